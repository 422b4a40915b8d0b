# Composes the kind-labelled dialogs of eval/dialogs-dev.jsonl (lines 21-) and eval/dialogs-test2.jsonl
# from material.py:  python3 compose.py dev  |  python3 compose.py test
import json, random, sys
import os
exec(open(os.path.join(os.path.dirname(__file__), 'material.py')).read())
SLOTS = {"leave_policy": ["leave_type", "track"], "salary_structure": ["track"], "social_insurance": ["city"],
 "allowances": ["track"], "housing_support": ["city", "track"], "relocation": ["track"], "probation": ["track"],
 "interview_process": ["track"], "how_to_apply": ["track"], "written_test": ["track"], "offer_details": ["track"],
 "offer_decision": ["track"]}
split = sys.argv[1]  # dev | test
rnd = random.Random(11 if split == "dev" else 1111)
def part(lst):
    return lst[:-1] if split == "dev" else lst[-1:]
def turn(text, intent, kind, lang, slots=None):
    t = {"text": text, "intent": intent}
    if slots: t["slots"] = dict(slots)
    t["kind"] = kind; t["lang"] = lang
    return t
def topic(intent, lang, kind="topic"):
    text, slots = rnd.choice(part(M[intent][lang[0] + "t"]))
    return turn(text, intent, kind, lang, slots)
def fu(intent, lang, want=None):
    opts = [f for f in part(M[intent][lang[0] + "f"]) if want is None or f[0] == want]
    if not opts: opts = part(M[intent][lang[0] + "f"])
    k, text = rnd.choice(opts)
    return turn(text, intent, "pronoun" if k == "p" else "subq", lang)
def slot_fu(intent, lang, kind="slot", avoid=None):
    slot = rnd.choice(SLOTS[intent])
    opts = [o for o in part(SLOT_FU[lang][slot]) if o[1] != (avoid or {}).get(slot)]
    text, value = rnd.choice(opts or part(SLOT_FU[lang][slot]))
    return turn(text, intent, kind, lang, {slot: value})
def half(lst):
    h = len(lst) // 2
    return lst[:h] if split == "dev" else lst[h:]
def other(intent):
    return rnd.choice([i for i in M if i != intent])
out = []
n = 0
intents = list(M)
for lang in ("zh", "en"):
    for idx, a in enumerate(intents):
        kinds = ("K1", "K2", "K3") if split == "dev" else (("K1", "K2", "K3")[idx % 3],)
        for k in kinds:
            turns = [topic(a, lang)]
            if k == "K1":
                turns.append(fu(a, lang, "p"))
                turns.append(slot_fu(a, lang, avoid=turns[0].get("slots")) if a in SLOTS else fu(a, lang, "s"))
                if rnd.random() < 0.3: turns.append(turn(rnd.choice(half(CLOSE[lang])), "closing", "closing", lang))
            elif k == "K2":
                turns.append(fu(a, lang, "s"))
                b = other(a)
                turns.append(topic(b, lang, "switch"))
                turns.append(fu(b, lang))
            else:
                turns.append(turn(rnd.choice(half(OOS[lang])), "oos", "oos", lang))
                turns.append(slot_fu(a, lang, "after_oos", avoid=turns[0].get("slots")) if a in SLOTS else dict(fu(a, lang), kind="after_oos"))
                turns.append(fu(a, lang))
                if rnd.random() < 0.4:
                    b = other(a); turns.append(topic(b, lang, "switch"))
            # drop duplicate texts inside one dialog
            seen = set(); uniq = []
            for t in turns:
                if t["text"] not in seen: seen.add(t["text"]); uniq.append(t)
            n += 1
            out.append({"id": f"{split}-{k}-{lang}-{a}", "turns": uniq})
for d in out:
    print(json.dumps(d, ensure_ascii=False))
