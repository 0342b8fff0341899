#!/usr/bin/python3
"""Writes the seed corpora fuzz/corpus/<parser>/ from real files, cut down (run from the repo root).

usage: fuzz/make_corpus.py VERIFY_JSON REPRODUCE_JSON STORE_SQLITE
  VERIFY_JSON, REPRODUCE_JSON: outputs of `regcheck verify --json` / `regcheck reproduce --json`
  (this version); STORE_SQLITE: a results store written by `regcheck reproduce --store`.
Other sources: Debian's Fashion-MNIST (/usr/share/datasets/fashion-mnist) and sklearn digits,
nets/configs/*.json, regress/tables/*.csv. CIFAR-10 is not installed: its seeds are synthetic
records in the documented layout. Names of the eval functions follow `regcheck eval --help`.
"""
import gzip, json, os, sqlite3, struct, sys

OUT = "fuzz/corpus"
EVAL_ORDER = ["shift-ratio", "dropout-shift-ratio", "soft-threshold", "coherence-l2", "coherence-l1", "tl1-prox",
              "tl1-threshold", "group-prox", "effective-params", "ensemble-mse", "early-stopping-alpha", "bootstrap-unique"]


def put(parser, name, data):
    os.makedirs(f"{OUT}/{parser}", exist_ok=True)
    with open(f"{OUT}/{parser}/{name}", "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def shrink(v, n=2):
    """JSON value with every array cut to its first n entries (structure kept)."""
    if isinstance(v, list):
        return [shrink(x, n) for x in v[:n]]
    if isinstance(v, dict):
        return {k: shrink(x, n) for k, x in v.items()}
    return v


def main():
    verify, reproduce, store = sys.argv[1:4]
    fm = "/usr/share/datasets/fashion-mnist"
    with gzip.open(f"{fm}/t10k-images-idx3-ubyte.gz") as f:
        head = f.read(16 + 3 * 784)
    images = struct.pack(">IIII", 2051, 3, 28, 28) + head[16:]
    with gzip.open(f"{fm}/t10k-labels-idx1-ubyte.gz") as f:
        labels = struct.pack(">II", 2049, 3) + f.read(8 + 3)[8:]
    put("idx", "images3", images)
    put("idx", "images3.gz", gzip.compress(images, mtime=0))
    put("idx", "labels3", labels)
    put("idx", "labels3.gz", gzip.compress(labels, mtime=0))
    put("idx", "images3-truncated", images[:-100])

    rec = lambda label, seed: bytes([label]) + bytes((seed * 31 + i * 7) % 256 for i in range(3072))
    cifar = rec(3, 1) + rec(9, 2)
    put("cifar", "two-records", cifar)
    put("cifar", "two-records.gz", gzip.compress(cifar, mtime=0))
    put("cifar", "label-10", rec(10, 3))

    with gzip.open("/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz", "rt") as f:
        lines = "".join(f.readline() for _ in range(4))
    put("digits", "four-lines.csv", lines)
    put("digits", "four-lines.csv.gz", gzip.compress(lines.encode(), mtime=0))

    for name in ["fashion-mlp", "xsinx-regression", "digits-tl1", "dropact-convnet", "dlbook-early-stopping"]:
        with open(f"nets/configs/{name}.json") as f:
            put("train_config", f"{name}.json", f.read())

    put("stats_csv", "arms.csv", "arm,seed,acc\nrelu,1,0.91\nrelu,2,0.905\ndropact,1,0.93\ndropact,2,0.9275\n")
    put("stats_csv", "quoted-crlf.csv", 'name,"val ""x"""\r\n"a,b",1000000000000.4\r\n"c\nd",1000000000000.3e0\r\n')
    put("stats_csv", "exponents.csv", "v\n-1.5e-300\n2E+300\n+0.000000000000000000000000000000000000001\n")

    for i, fn in enumerate(EVAL_ORDER):
        with open(f"regress/tables/{fn}.csv") as f:
            rows = f.read().splitlines()
        header = rows[0].rsplit(",", 1)[0] + ",value"
        body = [r.rsplit(",", 1)[0] + ",0.5" for r in rows[1:4]]
        put("regress_csv", f"{i:02d}-{fn}.csv", bytes([i]) + ("\n".join([header] + body) + "\n").encode())

    for name, path in [("verify", verify), ("reproduce", reproduce)]:
        with open(path) as f:
            put("report_from", f"{name}.json", json.dumps(shrink(json.load(f)), indent=1))

    db = sqlite3.connect(store)
    final, history = db.execute("SELECT final_json, history_json FROM runs LIMIT 1").fetchone()
    final = json.dumps(dict(list(json.loads(final).items())[:8]))
    history = json.dumps(shrink(json.loads(history)))
    put("store_rows", "row", b"\x00" + f"{final}\n{history}".encode())
    put("store_rows", "null-final", b"\x01" + f"{final}\n{history}".encode())
    put("store_rows", "blob-history", b"\x08" + f"{final}\n{history}".encode())


main()
