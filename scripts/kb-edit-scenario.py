#!/usr/bin/env python3
"""KB edits in a running `./ivbot serve`, as an HR operator makes them, while users chat.

Starts `./ivbot serve` on a copy of the demo KB with an empty model repository (so the server
trains version 1 itself), lets 8 users chat over HTTP (each asks one of the KB's examples every
100 ms), and meanwhile:
  1. edits an answer          -> must be in force within 5 s, no training
  2. adds an example          -> a new model version trained, gated and serving (goal < 60 s)
  3. relabels intents pairwise -> the gate refuses the version, the old one keeps serving
  4. breaks a YAML file        -> refused with file:line, nothing changes
Every reply is checked: no failed turn, no degraded turn, the model never closed.

    python3 scripts/kb-edit-scenario.py [--port 18080]

Prints one line per step with its time and a summary; exits 1 if any check fails. Only loopback.
"""
import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
USERS = 8
PACE_S = 0.1  # each user asks every 100 ms: a busy portal's pace (./ivbot bench measures saturation)
STEADY_S = 10  # seconds of turns before the first edit


def kb_examples(kb):
    """Every example line of the KB (8-space list items under examples: zh/en), so that the model answers."""
    out = []
    for root, _, files in os.walk(kb):
        for name in sorted(files):
            if name.endswith(".yaml"):
                with open(os.path.join(root, name), encoding="utf-8") as f:
                    out += [line[10:].strip() for line in f if line.startswith("        - ")]
    return [q for q in out if q]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    def __init__(self, base):
        self.base = base

    def call(self, method, path, body=None, token=None, timeout=20):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", "Bearer " + token)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, json.loads(r.read().decode())
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def health(self):
        return self.call("GET", "/health")[1]

    def token(self, user):
        return self.call("POST", "/dev/login", {"user": user})[1]["token"]

    def answer(self, token, question):
        status, body = self.call("POST", "/api/chat", {"sessionId": "probe-%d" % time.monotonic_ns(),
                                                       "text": question}, token)
        if status != 200:
            raise SystemExit("probe failed: %s %s" % (status, body))
        return body["text"]


def wait_until(limit_s, condition, what):
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > limit_s:
            raise SystemExit("FAIL: no %s within %d s" % (what, limit_s))
        time.sleep(0.1)
    return time.monotonic() - start


def edit(path, old, new):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if old not in text:
        raise SystemExit("%s does not contain %r" % (path, old))
    tmp = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text.replace(old, new, 1))
    os.replace(tmp, path)  # as editors save: never half a file


def swap_ids(path, a, b):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    text = text.replace("- id: %s\n" % a, "- id: __x__\n").replace("- id: %s\n" % b, "- id: %s\n" % a) \
        .replace("- id: __x__\n", "- id: %s\n" % b)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()
    port = args.port or free_port()
    work = tempfile.mkdtemp(prefix="ivbot-kb-scenario-")
    kb = os.path.join(work, "kb")
    shutil.copytree(os.path.join(HERE, "examples", "hr-demo-kb"), kb)
    env = dict(os.environ, IVBOT_KB=kb, IVBOT_MODEL_REPO=os.path.join(work, "models"), IVBOT_PORT=str(port),
               IVBOT_DEV_LOGIN="true")
    log = open(os.path.join(work, "server.log"), "w")
    started = time.monotonic()
    server = subprocess.Popen([os.path.join(HERE, "ivbot"), "serve"], cwd=HERE, env=env, stdout=log,
                              stderr=subprocess.STDOUT)
    client = Client("http://127.0.0.1:%d" % port)
    failures = []
    try:
        def up():
            try:
                return client.health()["status"] == "UP"
            except OSError:
                return False
        wait_until(600, up, "server")
        print("server up in %.1f s (built if needed, trained version 1), version %s" % (
            time.monotonic() - started, client.health()["classifier"]["version"]))

        questions = kb_examples(kb)
        stop = threading.Event()
        counts = {"turns": 0}
        latencies = []
        phase = {"name": "steady"}  # which operator step a turn overlapped, for the per-step latency lines
        by_phase = {}
        sources = {}
        lock = threading.Lock()

        def user(i):
            token = client.token("user-%d" % i)
            n = 0
            due = time.monotonic()
            while not stop.is_set():
                due += PACE_S
                time.sleep(max(0.0, due - time.monotonic()))
                q = questions[(n * USERS + i) % len(questions)]
                try:
                    status, body = client.call("POST", "/api/chat", {"sessionId": "s-%d-%d" % (i, n // 8), "text": q},
                                               token)
                except OSError as e:
                    status, body = -1, str(e)
                n += 1
                with lock:
                    counts["turns"] += 1
                    if status != 200:
                        failures.append("HTTP %s: %s" % (status, body))
                        continue
                    sources[body["source"]] = sources.get(body["source"], 0) + 1
                    latencies.append(body["latencyMs"])
                    by_phase.setdefault(phase["name"], []).append(body["latencyMs"])
                    if body["degraded"]:
                        failures.append("degraded: %s" % body)

        threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(USERS)]
        for t in threads:
            t.start()
        operator = client.token("operator")
        time.sleep(STEADY_S)  # turns with no operator action: the baseline the steps are compared with
        phase["name"] = "answer edit"
        leave = os.path.join(kb, "intents", "leave_and_time.yaml")

        old = client.answer(operator, "年假有几天")
        edit(leave, old, old + "（以劳动合同为准）")
        s = wait_until(5, lambda: client.answer(operator, "年假有几天").endswith("（以劳动合同为准）"), "answer edit")
        print("1. answer edit in force after %.2f s (goal < 5 s); training: %s" % (
            s, client.health()["classifier"]["training"]))

        phase["name"] = "retrain and swap"
        edit(leave, "      zh:\n        - ", "      zh:\n        - 年休假到底能休几天\n        - ")
        v0 = client.health()["classifier"]["version"]
        s = wait_until(180, lambda: client.health()["classifier"]["version"] != v0, "new model version")
        h = client.health()
        print("2. example edit -> version %s serving after %.1f s (goal < 60 s), trained on KB %s (serving KB %s)" % (
            h["classifier"]["version"], s, h["classifier"]["trainedOnKbFingerprint"], h["kb"]["fingerprint"]))

        phase["name"] = "retrain, gate refuses"
        pay = os.path.join(kb, "intents", "pay_and_benefits.yaml")
        offers = os.path.join(kb, "intents", "offers_and_onboarding.yaml")
        swap_ids(pay, "salary_structure", "payday")
        swap_ids(pay, "social_insurance", "allowances")
        swap_ids(offers, "offer_details", "offer_decision")
        swap_ids(offers, "onboarding_documents", "start_date")
        swap_ids(os.path.join(kb, "intents", "interviews.yaml"), "interview_process", "interview_result")
        s = wait_until(180, lambda: client.health()["classifier"]["lastRefusal"] is not None, "gate refusal")
        h = client.health()
        print("3. relabelled intents -> refused after %.1f s: %s; still serving %s" % (
            s, h["classifier"]["lastRefusal"], h["classifier"]["version"]))

        phase["name"] = "broken file"
        fp = h["kb"]["fingerprint"]
        with open(os.path.join(kb, "intents", "chitchat.yaml"), "w", encoding="utf-8") as f:
            f.write("intents:\n  - id: [broken\n")
        s = wait_until(5, lambda: client.health()["kb"]["lastRefusedReload"] is not None, "refused reload")
        h = client.health()
        print("4. broken YAML refused after %.2f s: %s; KB unchanged: %s" % (
            s, h["kb"]["lastRefusedReload"]["reason"].splitlines()[0], h["kb"]["fingerprint"] == fp))

        stop.set()
        for t in threads:
            t.join()
        h = client.health()
        def pct(values, p):
            values = sorted(values)
            return values[min(len(values) - 1, int(p / 100 * len(values)))] if values else float("nan")
        for name, values in by_phase.items():
            print("  %-22s %5d turns: engine latency p50 %.1f ms, p99 %.1f ms, max %.1f ms" % (
                name, len(values), pct(values, 50), pct(values, 99), max(values)))
        latencies.sort()
        print("turns: %d by %d users, sources %s; engine latency p50 %.1f ms, p99 %.1f ms, max %.1f ms; "
              "failed or degraded: %d; model serving: %s (%s), status %s" % (
                  counts["turns"], USERS, sources, pct(latencies, 50), pct(latencies, 99), latencies[-1] if latencies else float("nan"),
                  len(failures), h["classifier"]["serving"], h["classifier"]["version"], h["status"]))
        for f in failures[:5]:
            print("  " + f)
        ok = not failures and h["classifier"]["serving"] and "RULES" not in sources
        print("PASS" if ok else "FAIL")
        return 0 if ok else 1
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        print("server log: %s" % os.path.join(work, "server.log"))


if __name__ == "__main__":
    sys.exit(main())
