// mailcoach serve: the page. Plain JavaScript, no libraries, nothing from the network.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const TOKEN_KEY = "mailcoach-token";
  const CATEGORY_LABELS = {
    inflammatory: "inflammatory", blaming: "blaming", sarcastic: "sarcastic",
    passive_aggressive: "passive-aggressive", threatening: "threatening", liability: "liability",
  };

  // ---------------------------------------------------------------- the API

  function token() {
    return sessionStorage.getItem(TOKEN_KEY);
  }

  async function api(path, options) {
    const opts = options || {};
    const headers = {};
    let body = opts.body;
    if (opts.json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(opts.json);
    } else if (body !== undefined) {
      headers["Content-Type"] = opts.type || "application/octet-stream";
    }
    if (token()) headers["Authorization"] = "Bearer " + token();
    const query = opts.params ? "?" + new URLSearchParams(opts.params).toString() : "";
    const response = await fetch(path + query, {
      method: body === undefined ? "GET" : "POST", headers: headers, body: body,
      signal: opts.signal, cache: "no-store", credentials: "omit",
    });
    const type = response.headers.get("content-type") || "";
    const payload = type.startsWith("application/json") ? await response.json() : await response.text();
    if (response.status === 401) $("token-form").hidden = false;
    if (!response.ok) {
      const error = new Error(payload && payload.error ? payload.error : "the server answered " + response.status);
      error.status = response.status;
      error.payload = payload;
      throw error;
    }
    return { data: payload, headers: response.headers };
  }

  function setStatus(el, text, isError) {
    el.textContent = text;
    el.classList.toggle("error", Boolean(isError));
  }

  // Offsets from the server count code points; JavaScript strings count UTF-16 units.
  function offsetMap(text) {
    if (!/[\uD800-\uDFFF]/.test(text)) return (n) => n;
    const units = [0];
    let at = 0;
    for (const ch of text) { at += ch.length; units.push(at); }
    return (n) => units[Math.min(n, units.length - 1)];
  }

  function download(name, content, type) {
    const url = URL.createObjectURL(new Blob([content], { type: type }));
    const a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  async function copy(text, statusEl) {
    try {
      await navigator.clipboard.writeText(text);
      setStatus(statusEl, "Copied to the clipboard.");
    } catch (e) {
      setStatus(statusEl, "The browser would not copy; select the text and copy it yourself.", true);
    }
  }

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "text") node.textContent = value;
      else if (key === "class") node.className = value;
      else node.setAttribute(key, value);
    }
    for (const child of children || []) node.append(child);
    return node;
  }

  // ---------------------------------------------------------------- tabs

  const tabs = Array.from(document.querySelectorAll('[role="tab"]'));
  function selectTab(tab, focus) {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute("aria-selected", on ? "true" : "false");
      t.tabIndex = on ? 0 : -1;
      $(t.getAttribute("aria-controls")).hidden = !on;
    }
    if (focus) tab.focus();
    if (tab.id === "tab-letter") loadKinds();
  }
  tabs.forEach((tab, i) => {
    tab.addEventListener("click", () => selectTab(tab, false));
    tab.addEventListener("keydown", (event) => {
      const moves = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 };
      if (!(event.key in moves)) return;
      event.preventDefault();
      selectTab(tabs[(moves[event.key] + tabs.length) % tabs.length], true);
    });
  });

  // ---------------------------------------------------------------- the draft

  const draft = $("draft");
  const status = $("status");
  let report = null;     // the last check's report
  let checked = "";      // the text it was for
  let openIndex = -1;
  let timer = 0;
  let inflight = null;
  let sequence = 0;

  function highlight(text, findings) {
    const box = $("highlights");
    box.textContent = "";
    const map = offsetMap(text);
    let at = 0;
    findings.forEach((f, i) => {
      const start = Math.max(map(f.start), at);
      const end = map(f.end);
      if (end <= start) return;
      box.append(text.slice(at, start));
      const mark = el("mark", { class: "c-" + f.category, "data-index": String(i) });
      mark.textContent = text.slice(start, end);
      box.append(mark);
      at = end;
    });
    box.append(text.slice(at) + "\n");
    syncScroll();
  }

  function syncScroll() {
    const back = document.querySelector(".backdrop");
    back.scrollTop = draft.scrollTop;
  }

  function showFindings(data) {
    const list = $("findings");
    list.textContent = "";
    data.findings.forEach((f, i) => {
      const button = el("button", {
        type: "button", "aria-expanded": "false", "aria-controls": "detail", "data-index": String(i),
      }, [
        el("span", { class: "tag c-" + f.category, text: CATEGORY_LABELS[f.category] || f.category }),
        el("span", { class: "quote", text: "“" + f.text + "”" }),
        el("span", { class: "sev", text: f.severity + ", line " + f.line }),
      ]);
      button.addEventListener("click", () => openFinding(i, true));
      list.append(el("li", {}, [button]));
    });
    if (!data.findings.length) {
      list.append(el("li", { class: "hint", text: data.error ? "" : "Nothing flagged." }));
    }
  }

  function openFinding(i, fromList) {
    const f = report && report.findings[i];
    const detail = $("detail");
    document.querySelectorAll("#findings button").forEach((b) => {
      b.setAttribute("aria-expanded", b.dataset.index === String(i) ? "true" : "false");
    });
    document.querySelectorAll("#highlights mark").forEach((m) => {
      m.classList.toggle("open", m.dataset.index === String(i));
    });
    if (!f) { detail.hidden = true; openIndex = -1; return; }
    openIndex = i;
    detail.textContent = "";
    const show = el("button", { type: "button", text: "Select it in the draft" });
    show.addEventListener("click", () => {
      const map = offsetMap(checked);
      draft.focus();
      draft.setSelectionRange(map(f.start), map(f.end));
    });
    detail.append(
      el("p", {}, [el("span", { class: "tag c-" + f.category, text: CATEGORY_LABELS[f.category] || f.category }),
                   " ", el("span", { class: "quote", text: "“" + f.text + "”" })]),
      el("p", { text: f.message }),
      el("p", { class: "why", text: "Why: " + f.why }),
    );
    if (f.suggestion) detail.append(el("p", { class: "try", text: "Try: " + f.suggestion }));
    detail.append(show);
    detail.hidden = false;
    if (fromList) detail.focus();
  }

  function showSide(data) {
    $("tone-score").textContent = String(data.tone_score);
    $("tone-meter").value = data.tone_score;
    const verdict = $("verdict");
    verdict.textContent = data.verdict;
    verdict.className = "verdict " + data.verdict;
    const checklist = $("checklist");
    checklist.textContent = "";
    for (const item of data.checklist || []) {
      const li = el("li", {}, [
        el("span", { class: item.ok ? "mark-ok" : "mark-no", text: item.ok ? "✓" : "•", "aria-label": item.ok ? "done:" : "to do:" }),
        el("span", { text: item.label }),
      ]);
      if (!item.ok && item.advice) li.append(el("span", { class: "advice", text: item.advice }));
      checklist.append(li);
    }
    const facts = $("facts");
    facts.textContent = "";
    const d = data.dispute || {};
    const rows = [
      ["Type", d.type], ["Amounts", (d.amounts || []).join(", ")],
      ["Invoices", (d.invoices || []).join(", ")], ["Dates", (d.dates || []).join(", ")],
      ["Days overdue", d.days_overdue == null ? "" : String(d.days_overdue)],
      ["Counterpart", d.counterpart || ""],
    ];
    for (const [label, value] of rows) {
      if (!value) continue;
      facts.append(el("dt", { text: label }), el("dd", { text: value }));
    }
    if (!facts.childNodes.length) facts.append(el("dt", { text: "None yet" }), el("dd", { text: "" }));
  }

  function summary(data) {
    const n = data.findings.length;
    if (!n) return "No findings. Verdict: " + data.verdict + ", tone " + data.tone_score + "/100.";
    const counts = {};
    for (const f of data.findings) counts[f.category] = (counts[f.category] || 0) + 1;
    const parts = Object.entries(counts).map(([c, k]) => k + " " + (CATEGORY_LABELS[c] || c));
    return n + (n === 1 ? " finding" : " findings") + " (" + parts.join(", ") + "). Verdict: " +
      data.verdict + ", tone " + data.tone_score + "/100.";
  }

  // Who writes to whom and the dispute type, when the writer sets them (else guessed).
  function caseParams() {
    const params = {};
    if ($("role").value) params.role = $("role").value;
    if ($("type").value) params.type = $("type").value;
    return params;
  }

  async function runCheck() {
    const text = draft.value;
    if (inflight) inflight.abort();
    if (!text.trim()) {
      report = null; checked = text;
      highlight(text, []); $("findings").textContent = ""; $("detail").hidden = true;
      setStatus(status, "Type or paste a draft to check it.");
      return;
    }
    const mine = ++sequence;
    inflight = new AbortController();
    try {
      const { data } = await api("/v1/check", { json: { text: text }, params: caseParams(), signal: inflight.signal });
      if (mine !== sequence) return;
      report = data; checked = text;
      if (draft.value === text) highlight(text, data.findings);
      showFindings(data);
      showSide(data);
      openFinding(-1, false);
      setStatus(status, summary(data));
    } catch (error) {
      if (error.name === "AbortError") return;
      setStatus(status, error.message, true);
    }
  }

  // The editor grows with the draft instead of scrolling, so the marks behind it stay aligned.
  function grow() {
    draft.style.height = "auto";
    draft.style.height = draft.scrollHeight + 2 + "px";
  }

  draft.addEventListener("input", () => {
    grow();
    // Marks from the last check would sit under the wrong words until the next one.
    if (report) highlight(draft.value, []);
    clearTimeout(timer);
    timer = setTimeout(runCheck, 300);
  });
  for (const id of ["role", "type"]) {
    $(id).addEventListener("change", () => { clearTimeout(timer); runCheck(); });
  }
  draft.addEventListener("scroll", syncScroll);
  window.addEventListener("resize", grow);
  draft.addEventListener("click", () => {
    if (!report || draft.value !== checked) return;
    const map = offsetMap(checked);
    const at = draft.selectionStart;
    const i = report.findings.findIndex((f) => map(f.start) <= at && at <= map(f.end));
    if (i >= 0) openFinding(i, false);
  });
  new ResizeObserver(() => {
    const back = document.querySelector(".backdrop");
    back.style.height = draft.offsetHeight + "px";
    syncScroll();
  }).observe(draft);
  $("clear").addEventListener("click", () => {
    draft.value = ""; grow(); $("rewrite-view").hidden = true; runCheck(); draft.focus();
  });

  // ---------------------------------------------------------------- rewrite

  let rewriteState = null;

  function applyEdits(original, edits, chosen) {
    const map = offsetMap(original);
    let text = original;
    const order = edits.map((e, i) => i).filter((i) => chosen[i] === "accepted")
      .sort((a, b) => edits[b].start - edits[a].start);
    for (const i of order) {
      const e = edits[i];
      text = text.slice(0, map(e.start)) + e.replacement + text.slice(map(e.end));
    }
    return text;
  }

  function showResult() {
    const s = rewriteState;
    const text = applyEdits(s.original, s.edits, s.chosen);
    s.text = text;
    $("result").textContent = text;
    const taken = s.chosen.filter((c) => c === "accepted").length;
    setStatus($("rewrite-status"), taken + " of " + s.edits.length + " edits accepted.");
  }

  function choose(i, what) {
    rewriteState.chosen[i] = what;
    const li = document.querySelector('#edits li[data-index="' + i + '"]');
    li.classList.toggle("accepted", what === "accepted");
    li.classList.toggle("skipped", what === "skipped");
    li.querySelector(".accept").setAttribute("aria-pressed", what === "accepted" ? "true" : "false");
    li.querySelector(".skip-edit").setAttribute("aria-pressed", what === "skipped" ? "true" : "false");
    showResult();
  }

  function showRewrite(original, data) {
    const rw = data.rewrite;
    const map = offsetMap(original);
    const byRule = {};
    for (const f of data.findings) if (!(f.rule_id in byRule)) byRule[f.rule_id] = f;
    rewriteState = { original: original, edits: rw.edits, chosen: rw.edits.map(() => "pending"), text: original };
    const list = $("edits");
    list.textContent = "";
    rw.edits.forEach((e, i) => {
      const f = e.rule_id ? byRule[e.rule_id] : null;
      const was = original.slice(map(e.start), map(e.end));
      const label = f ? (CATEGORY_LABELS[f.category] || f.category) : "benchmark clause";
      const accept = el("button", { type: "button", class: "accept", "aria-pressed": "false", text: "Accept" });
      const skip = el("button", { type: "button", class: "skip-edit", "aria-pressed": "false", text: "Skip" });
      accept.setAttribute("aria-label", "Accept edit " + (i + 1));
      skip.setAttribute("aria-label", "Skip edit " + (i + 1));
      accept.addEventListener("click", () => choose(i, "accepted"));
      skip.addEventListener("click", () => choose(i, "skipped"));
      const li = el("li", { "data-index": String(i) }, [
        el("span", { class: "tag" + (f ? " c-" + f.category : ""), text: label }), " ",
      ]);
      if (was.trim()) li.append(el("del", { text: was.trim() }), " → ");
      li.append(el("ins", { text: e.replacement.trim() || "(removed)" }));
      if (f) li.append(el("p", { class: "why", text: f.why }));
      li.append(el("div", { class: "choice" }, [accept, skip]));
      list.append(li);
    });
    if (!rw.edits.length) list.append(el("li", { text: "Nothing to change." }));
    $("original").textContent = original;
    $("rewrite-view").hidden = false;
    showResult();
    const notes = (rw.notes || []).join(" ");
    setStatus($("rewrite-status"), rw.edits.length + " edits suggested; accept or skip each. " + notes);
  }

  $("rewrite").addEventListener("click", async () => {
    const text = draft.value;
    if (!text.trim()) { setStatus(status, "There is no draft to rewrite yet.", true); draft.focus(); return; }
    setStatus($("rewrite-status"), "Rewriting…");
    $("rewrite-view").hidden = false;
    try {
      const { data } = await api("/v1/rewrite", { json: { text: text }, params: Object.assign({ benchmark: $("benchmark").value }, caseParams()) });
      showRewrite(text, data);
      $("rewrite-title").scrollIntoView({ block: "nearest" });
    } catch (error) {
      setStatus($("rewrite-status"), error.message, true);
    }
  });
  $("accept-all").addEventListener("click", () => rewriteState && rewriteState.edits.forEach((e, i) => choose(i, "accepted")));
  $("skip-all").addEventListener("click", () => rewriteState && rewriteState.edits.forEach((e, i) => choose(i, "skipped")));
  $("copy").addEventListener("click", () => rewriteState && copy(rewriteState.text, $("rewrite-status")));
  $("download").addEventListener("click", () => rewriteState && download("draft-calm.txt", rewriteState.text, "text/plain;charset=utf-8"));
  $("use").addEventListener("click", () => {
    if (!rewriteState) return;
    draft.value = rewriteState.text;
    grow();
    $("rewrite-view").hidden = true;
    runCheck();
    draft.focus();
  });

  // ---------------------------------------------------------------- letters

  let kindsLoaded = false;
  let letter = null;
  const letterStatus = $("letter-status");

  async function loadKinds() {
    if (kindsLoaded) return;
    try {
      const { data } = await api("/v1/letters");
      const select = $("letter-kind");
      select.textContent = "";
      for (const k of data.kinds) {
        const option = el("option", { value: k.kind, text: k.kind });
        option.dataset.about = k.about;
        select.append(option);
      }
      kindsLoaded = true;
      showAbout();
    } catch (error) {
      setStatus(letterStatus, error.message, true);
    }
  }
  function showAbout() {
    const option = $("letter-kind").selectedOptions[0];
    $("letter-about").textContent = option ? option.dataset.about : "";
  }
  $("letter-kind").addEventListener("change", showAbout);

  function addInvoice() {
    const row = $("invoice-row").content.firstElementChild.cloneNode(true);
    row.querySelector(".remove").addEventListener("click", () => { row.remove(); $("add-invoice").focus(); });
    $("invoices").append(row);
    return row;
  }
  addInvoice();
  $("add-invoice").addEventListener("click", () => addInvoice().querySelector("input").focus());

  function factsFromForm(form) {
    const facts = {};
    for (const input of form.querySelectorAll("[name]")) {
      if (input.name === "kind" || !input.value.trim()) continue;
      const path = input.name.split(".");
      let at = facts;
      while (path.length > 1) { const key = path.shift(); at = at[key] = at[key] || {}; }
      at[path[0]] = input.value.trim();
    }
    facts.invoices = [];
    for (const row of form.querySelectorAll(".invoice")) {
      const invoice = {};
      for (const input of row.querySelectorAll("[data-field]")) {
        if (input.value.trim()) invoice[input.dataset.field] = input.value.trim();
      }
      if (Object.keys(invoice).length) facts.invoices.push(invoice);
    }
    return facts;
  }

  function showLetter(data) {
    letter = data;
    $("letter-subject").textContent = data.subject;
    $("letter-text").textContent = data.text;
    const notes = $("letter-notes");
    notes.textContent = "";
    for (const note of data.notes.concat(data.cost ? [data.cost] : [])) notes.append(el("li", { text: note }));
    for (const f of data.follow_ups) notes.append(el("li", { text: "Follow up on " + f.date + ": " + f.what }));
    $("letter-eml").disabled = !data.eml;
    $("letter-ics").disabled = !data.ics;
    $("letter-view").hidden = false;
    setStatus(letterStatus, "The letter is written and passed its own check.");
  }

  async function writeLetter(options) {
    setStatus(letterStatus, "Writing…");
    $("letter-view").hidden = true;
    try {
      const params = Object.assign({ kind: $("letter-kind").value || "first-contact" }, options.params || {});
      const { data } = await api("/v1/letter", Object.assign({}, options, { params: params }));
      showLetter(data);
    } catch (error) {
      setStatus(letterStatus, error.message, true);
    }
  }
  $("letter-form").addEventListener("submit", (event) => {
    event.preventDefault();
    writeLetter({ json: factsFromForm(event.target) });
  });
  $("facts-file").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    if (!file) return;
    const ext = file.name.split(".").pop().toLowerCase();
    const format = { yml: "yaml", yaml: "yaml", toml: "toml", json: "json" }[ext];
    if (!format) { setStatus(letterStatus, file.name + " is not a .toml, .yaml or .json file.", true); return; }
    writeLetter({ body: await file.arrayBuffer(), type: "text/plain", params: { facts_format: format } });
  });
  const slug = () => (letter ? letter.kind + "-" + letter.to.toLowerCase().replace(/[^a-z0-9]+/g, "-") : "letter");
  $("letter-eml").addEventListener("click", () => letter && letter.eml && download(slug() + ".eml", letter.eml, "message/rfc822"));
  $("letter-ics").addEventListener("click", () => letter && letter.ics && download(slug() + ".ics", letter.ics, "text/calendar"));
  $("letter-copy").addEventListener("click", () => letter && copy("Subject: " + letter.subject + "\n\n" + letter.text, letterStatus));

  // ---------------------------------------------------------------- review

  let reviewHtml = "";
  const reviewStatus = $("review-status");

  // Several .eml files travel as one mbox (mboxrd: body lines starting ">*From " get one more ">").
  async function asMbox(files) {
    const parts = [];
    for (const file of files) {
      const bytes = new Uint8Array(await file.arrayBuffer());
      let latin = "";
      for (let i = 0; i < bytes.length; i += 8192) latin += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
      latin = latin.replace(/\r\n/g, "\n").replace(/^(>*From )/gm, ">$1");
      if (!latin.endsWith("\n")) latin += "\n";
      parts.push("From mailcoach@localhost Thu Jan  1 00:00:00 2026\n" + latin + "\n");
    }
    const joined = parts.join("");
    const out = new Uint8Array(joined.length);
    for (let i = 0; i < joined.length; i++) out[i] = joined.charCodeAt(i);
    return out;
  }

  $("review-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const files = Array.from($("review-files").files);
    if (!files.length) { setStatus(reviewStatus, "Choose an mbox file or some .eml messages first.", true); return; }
    setStatus(reviewStatus, "Reviewing…");
    const one = files.length === 1;
    const body = one ? await files[0].arrayBuffer() : await asMbox(files);
    try {
      const { data, headers } = await api("/v1/review", {
        body: body, type: "application/mbox",
        params: { name: one ? files[0].name : "messages.mbox", format: "html" },
      });
      reviewHtml = data;
      const frame = $("review-frame");
      frame.srcdoc = data;
      frame.hidden = false;
      $("review-download").hidden = false;
      setStatus(reviewStatus, headers.get("x-mailcoach-messages") + " messages reviewed, " +
        headers.get("x-mailcoach-flagged") + " flagged, " + headers.get("x-mailcoach-unreadable") + " unreadable.");
    } catch (error) {
      setStatus(reviewStatus, error.message, true);
    }
  });
  $("review-download").addEventListener("click", () => download("review.html", reviewHtml, "text/html;charset=utf-8"));

  // ---------------------------------------------------------------- the token

  $("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $("token").value.trim());
    $("token-form").hidden = true;
    runCheck();
  });
  const fromHash = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (fromHash) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(fromHash[1]));
    history.replaceState(null, "", location.pathname + location.search);
  }
  grow();
  if (draft.value.trim()) runCheck();
})();
