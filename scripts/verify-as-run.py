#!/usr/bin/env python3
"""Checks an as-run export of Loa xã against its hash chain and its signed checkpoints.

    python3 scripts/verify-as-run.py [EXPORT] [--public-key KEY] [--checkpoint FILE]...

EXPORT (a file, or stdin) is GET /api/v1/reports/communes/<commune>/as-run?from=…&to=… (its JSON,
or format=csv), or a plain list of records (GET …/playout-log). For every record the script
recomputes hash = sha256_hex(prevHash + "\\n" + canonical) as DESIGN.md defines it; records with
consecutive seqs must link (prevHash = the previous hash), seq 1 must start from 64 zeros.

The JSON export also states the chain's `head` and the `links` (seq, prevHash, hash) of the
records the range leaves out: records and links must then run without a gap from the first record
to the head and end at its hash, so a record cut off the export is noticed.

Checkpoints (`{communeCode, seq, hash, signedAt, keyId, signature}`, from GET …/playout-log/
checkpoints) are checked against the export: those given with --checkpoint (a file holding one
or a list; each must be covered by the export) and those the JSON export carries. Their Ed25519
signature over the canonical text {"communeCode","seq","hash","signedAt"} (JSON without spaces,
keys in that order, UTF-8) is verified with KEY: the JSON of GET /api/v1/checkpoint-key, a PEM
public key, or the raw 32-byte key in base64. Needs Debian's python3-cryptography for that.

Prints "ok …", or exits with status 1 and "broken at seq N: …" on stderr.
"""
import argparse
import base64
import csv
import hashlib
import io
import json
import sys

GENESIS = "0" * 64
KEYS = ["communeCode", "seq", "scheduleItemId", "bulletinId", "topics", "startedAt",
        "endedAt", "playedMs", "outcome", "source", "correctsSeq"]
CLAIM_KEYS = ["communeCode", "seq", "hash", "signedAt"]


def from_csv(text):
    records = []
    for row in csv.DictReader(io.StringIO(text, newline="")):
        records.append({
            **row,
            "seq": int(row["seq"]),
            "scheduleItemId": row["scheduleItemId"] or None,
            "bulletinId": row["bulletinId"] or None,
            "topics": json.loads(row["topics"]),
            "playedMs": int(row["playedMs"]),
            "correctsSeq": int(row["correctsSeq"]) if row["correctsSeq"] else None,
        })
        if row.get("segments"):  # a relay's record
            records[-1]["segments"] = json.loads(row["segments"])
        else:
            records[-1].pop("segments", None)
    return records


def load(data):
    """The records, and the export document when it is one (None for CSV and plain lists)."""
    text = data.decode("utf-8-sig")
    if text.lstrip()[:1] in ("{", "["):
        document = json.loads(text)
        if isinstance(document, dict):
            return document["records"], document
        return document, None
    return from_csv(text), None


def canonical(record):
    fields = dict(record, topics=sorted(set(record["topics"])))
    chained = {key: fields[key] for key in KEYS}
    if "segments" in record:  # a relay's record: its segments are hashed too (README)
        chained["segments"] = record["segments"]
    return json.dumps(chained, separators=(",", ":"), ensure_ascii=False)


class Broken(Exception):
    pass


def verify_records(records):
    """Each record against its own prevHash, consecutive ones linked; returns the gaps."""
    previous = None
    gaps = 0
    for record in sorted(records, key=lambda r: r["seq"]):
        seq = record["seq"]
        digest = hashlib.sha256((record["prevHash"] + "\n" + canonical(record)).encode("utf-8")).hexdigest()
        if digest != record["hash"]:
            raise Broken(f"broken at seq {seq}: its content does not match its hash")
        if seq == 1 and record["prevHash"] != GENESIS:
            raise Broken("broken at seq 1: the chain does not start from 64 zeros")
        if previous is not None:
            if seq == previous["seq"]:
                raise Broken(f"broken at seq {seq}: seq repeated")
            if seq == previous["seq"] + 1 and record["prevHash"] != previous["hash"]:
                raise Broken(f"broken at seq {seq}: prevHash is not the hash of seq {previous['seq']}")
            if seq > previous["seq"] + 1:
                gaps += 1
        previous = record
    return gaps


def verify_to_head(records, document):
    """Records and links together run from the first record to the head, without a gap."""
    head = document["head"]
    last_seq, last_hash = head["lastSeq"], head["lastHash"]
    chain = {}
    for entry in list(records) + list(document.get("links", [])):
        if entry["seq"] in chain:
            raise Broken(f"broken at seq {entry['seq']}: seq repeated")
        chain[entry["seq"]] = entry
    if not chain:
        return chain
    first = min(chain)
    if max(chain) > last_seq:
        raise Broken(f"broken at seq {last_seq + 1}: the export holds records after its head (seq {last_seq})")
    for seq in range(first, last_seq + 1):
        entry = chain.get(seq)
        if entry is None:
            raise Broken(f"broken at seq {seq}: missing from the export, which ends at seq {last_seq}")
        if seq == 1 and entry["prevHash"] != GENESIS:
            raise Broken("broken at seq 1: the chain does not start from 64 zeros")
        if seq > first and entry["prevHash"] != chain[seq - 1]["hash"]:
            raise Broken(f"broken at seq {seq}: prevHash is not the hash of seq {seq - 1}")
    if chain[last_seq]["hash"] != last_hash:
        raise Broken(f"broken at seq {last_seq}: its hash is not the head's")
    return chain


def read_public_key(path):
    text = open(path, "rb").read().decode("utf-8").strip()
    if text.startswith("{"):
        text = json.loads(text)["publicKey"]
    try:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    except ImportError:
        sys.exit("checking a checkpoint's signature needs python3-cryptography (apt-get install python3-cryptography)")
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_public_key(text.encode("ascii"))
    else:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(text))
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return key, hashlib.sha256(raw).hexdigest()[:16]


def signature_ok(checkpoint, public_key):
    key, key_id = public_key
    if checkpoint.get("keyId") != key_id:
        return False
    message = json.dumps({k: checkpoint[k] for k in CLAIM_KEYS}, separators=(",", ":"), ensure_ascii=False)
    try:
        key.verify(base64.b64decode(checkpoint["signature"]), message.encode("utf-8"))
        return True
    except Exception:
        return False


def check_checkpoint(checkpoint, chain, head, public_key, required):
    """Raises Broken when the export contradicts the checkpoint; False when it does not cover it."""
    seq = checkpoint["seq"]
    if public_key is None:
        if required:
            sys.exit("--checkpoint needs --public-key to verify its signature")
        return False
    if not signature_ok(checkpoint, public_key):
        raise Broken(f"broken at seq {seq}: the checkpoint signed at {checkpoint['signedAt']} has a bad signature")
    if head is not None and head["lastSeq"] < seq:
        raise Broken(f"broken at seq {head['lastSeq'] + 1}: the log ends before the checkpoint of seq {seq}")
    entry = chain.get(seq)
    if entry is None:
        if head is None and chain and seq > max(chain):
            raise Broken(f"broken at seq {max(chain) + 1}: the export ends before the checkpoint of seq {seq}")
        if required:
            raise Broken(f"broken at seq {seq}: the export does not reach back to the checkpoint; export from an earlier day")
        return False
    if entry["hash"] != checkpoint["hash"]:
        raise Broken(f"broken at seq {seq}: the log differs from the checkpoint signed at {checkpoint['signedAt']}")
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("export", nargs="?")
    parser.add_argument("--public-key")
    parser.add_argument("--checkpoint", action="append", default=[])
    args = parser.parse_args()
    data = open(args.export, "rb").read() if args.export else sys.stdin.buffer.read()
    records, document = load(data)
    public_key = read_public_key(args.public_key) if args.public_key else None
    given = []
    for path in args.checkpoint:
        loaded = json.load(open(path, encoding="utf-8"))
        given.extend(loaded if isinstance(loaded, list) else [loaded])
    try:
        gaps = verify_records(records)
        head = document.get("head") if document else None
        if head is not None:
            chain = verify_to_head(records, document)
        else:
            chain = {record["seq"]: record for record in records}
        commune = document["communeCode"] if document else (records[0]["communeCode"] if records else None)
        checked, unchecked = 0, 0
        carried = document.get("checkpoints", []) if document else []
        for checkpoint, required in [(c, True) for c in given] + [(c, False) for c in carried]:
            if commune is not None and checkpoint["communeCode"] != commune:
                raise Broken(f"the checkpoint is of commune {checkpoint['communeCode']}, the export of {commune}")
            if check_checkpoint(checkpoint, chain, head, public_key, required):
                checked += 1
            else:
                unchecked += 1
    except Broken as broken:
        sys.exit(str(broken))
    first = min((r["seq"] for r in records), default=0)
    last = max((r["seq"] for r in records), default=0)
    line = f"ok {len(records)} records, seq {first}-{last}, {gaps} gap(s)"
    if head is not None:
        line += f"; linked to the head (seq {head['lastSeq']})"
    else:
        line += "; no head in this export: records cut off its end go unnoticed"
    if checked or unchecked:
        line += f"; {checked} checkpoint(s) verified"
        if unchecked:
            line += f", {unchecked} not checked ({'no --public-key' if public_key is None else 'before this export'})"
    print(line)


if __name__ == "__main__":
    main()
