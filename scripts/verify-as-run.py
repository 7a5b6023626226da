#!/usr/bin/env python3
"""Checks an as-run export of Loa xã against its hash chain, with nothing but Python.

Reads, on stdin or from a file named as the first argument, the export of
GET /api/v1/reports/communes/<commune>/as-run?from=…&to=… (format=csv, or its JSON), and for
every record recomputes hash = sha256_hex(prevHash + "\\n" + canonical) as DESIGN.md defines it.
Records with consecutive seqs must link (prevHash = the previous hash), seq 1 must start from 64
zeros. A range can leave gaps in seq (imports of other days); each record is still checked
against its own prevHash, and the gaps are counted. Prints "ok …", or exits with status 1 and
"broken at seq N: …" on stderr.
"""
import csv
import hashlib
import io
import json
import sys

GENESIS = "0" * 64
KEYS = ["communeCode", "seq", "scheduleItemId", "bulletinId", "topics", "startedAt",
        "endedAt", "playedMs", "outcome", "source", "correctsSeq"]


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
    return records


def load(data):
    text = data.decode("utf-8-sig")
    if text.lstrip()[:1] in ("{", "["):
        document = json.loads(text)
        return document["records"] if isinstance(document, dict) else document
    return from_csv(text)


def canonical(record):
    fields = dict(record, topics=sorted(set(record["topics"])))
    return json.dumps({key: fields[key] for key in KEYS}, separators=(",", ":"), ensure_ascii=False)


def verify(records):
    previous = None
    gaps = 0
    for record in sorted(records, key=lambda r: r["seq"]):
        seq = record["seq"]
        digest = hashlib.sha256((record["prevHash"] + "\n" + canonical(record)).encode("utf-8")).hexdigest()
        if digest != record["hash"]:
            return f"broken at seq {seq}: its content does not match its hash"
        if seq == 1 and record["prevHash"] != GENESIS:
            return "broken at seq 1: the chain does not start from 64 zeros"
        if previous is not None:
            if seq == previous["seq"]:
                return f"broken at seq {seq}: seq repeated"
            if seq == previous["seq"] + 1 and record["prevHash"] != previous["hash"]:
                return f"broken at seq {seq}: prevHash is not the hash of seq {previous['seq']}"
            if seq > previous["seq"] + 1:
                gaps += 1
        previous = record
    return gaps


def main():
    data = open(sys.argv[1], "rb").read() if len(sys.argv) > 1 else sys.stdin.buffer.read()
    records = load(data)
    result = verify(records)
    if isinstance(result, str):
        sys.exit(result)
    first = min((r["seq"] for r in records), default=0)
    last = max((r["seq"] for r in records), default=0)
    print(f"ok {len(records)} records, seq {first}-{last}, {result} gap(s)")


if __name__ == "__main__":
    main()
