"""Bake-off helper: embed sentences with all-MiniLM-L6-v2 (frozen), for tools/yardstick.py.

    .venv-emb/bin/python tools/embed_sentences.py MODEL_DIR sentences.json out.npy

Runs in a separate environment with torch and sentence-transformers (never a
mailcoach dependency). Refuses a model whose model.safetensors does not have the
sha256 of the official revision. Prints the time per sentence.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path

OFFICIAL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"


def main() -> None:
    model_dir, sentences, output = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    digest = hashlib.sha256((model_dir / "model.safetensors").read_bytes()).hexdigest()
    if digest != OFFICIAL_SHA256:
        raise SystemExit(f"model.safetensors sha256 {digest} is not the official revision's")
    import numpy as np
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(1)
    texts = json.loads(sentences.read_text("utf-8"))
    model = SentenceTransformer(str(model_dir), device="cpu")
    start = time.perf_counter()
    vectors = model.encode(texts, batch_size=32, normalize_embeddings=True)
    batched = (time.perf_counter() - start) / len(texts)
    start = time.perf_counter()
    for text in texts[:200]:
        model.encode([text])
    single = (time.perf_counter() - start) / min(200, len(texts))
    np.save(output, vectors.astype(np.float32))
    print(
        f"{len(texts)} sentences; ms each: {batched * 1000:.2f} batched, {single * 1000:.2f} alone"
    )


if __name__ == "__main__":
    main()
