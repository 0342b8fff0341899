#!/usr/bin/python3
"""Every free function declared in theory/*.hpp (outside namespace detail) is called from claims/.

A theory/ function that no claim check calls is checked by the unit tests alone: a wrong formula
in it would pass `regcheck verify` (being called from inside another theory/ function is not
enough: the caller may use it in one regime only). Member functions of the theory/ value types
(ReluMlp::depth, TanhNet::perturbed...) are not counted: they are accessors of a type that the
claims build and pass to the checked free functions. This scan runs as the CTest theory_functions_reached_by_claims, so a new theory/ function must come
with a claim sub-check. A text scan, not a compiler: names are matched as identifiers followed by
'(' or '<' (or taken by address), overloads share a name.

Usage: theory_reachable.py [REPO_ROOT]   (exit 0: all reached; 1: the unreached ones are listed)
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent)
KEYWORDS = {"if", "for", "while", "switch", "return", "sizeof", "static_assert", "decltype", "catch",
            "REGCHECK_REQUIRE", "operator", "namespace", "template", "alignas", "noexcept"}
# Functions not yet reached, each with the reason and the work that will reach it. The scan also
# fails when a listed function is in fact reached, so the list cannot go stale.
PENDING = {}
# Input checks, not formulas: they compute nothing a claim could compare; their behaviour (which
# inputs they refuse, with which message) is asserted by the unit tests' error sections.
INTERNAL = {
    "validate": "theory/dropact.hpp: the shape and finiteness check of OneHidden, run first by every dropact formula",
}


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    return re.sub(r'"(?:\\.|[^"\\])*"', '""', text)


def scan(path):
    """Names of the free functions declared or defined in path outside namespace detail."""
    text = strip_comments(path.read_text())
    names = []
    stack = []  # block kinds: ns, detail, class, body (function body or initializer)
    stmt = ""
    for c in text:
        if c == "{":
            head = stmt.strip()
            if "body" in stack:
                stack.append("inner")
            elif re.search(r"\bnamespace\s+detail\s*$", head):
                stack.append("detail")
            elif re.search(r"\bnamespace\b", head):
                stack.append("ns")
            elif re.search(r"\b(struct|class|union|enum)\b[^()]*$", head):
                stack.append("class")
            else:
                m = re.search(r"(\w+)\s*\([^;{}]*\)\s*(const)?\s*(noexcept)?\s*(->[^{]*)?(:[^{]*)?$", head, flags=re.S)
                if m and m.group(1) not in KEYWORDS and "detail" not in stack and "class" not in stack:
                    names.append(m.group(1))
                stack.append("body")
            stmt = ""
        elif c == "}":
            if stack:
                stack.pop()
            stmt = ""
        elif c == ";":
            if "body" not in stack and "detail" not in stack and "class" not in stack and not re.match(r"\s*(using|typedef|return|friend)\b", stmt):
                m = re.match(r"\s*(?:template\s*<[^;]*?>\s*)?[\w:<>,\s\*&]+?\b(\w+)\s*\(", stmt, flags=re.S)
                if m and m.group(1) not in KEYWORDS:
                    names.append(m.group(1))
            stmt = ""
        else:
            stmt += c
    return names


def calls(text, name):
    return re.search(r"\b" + re.escape(name) + r"\s*[(<]", text) or re.search(r"[&:]\s*" + re.escape(name) + r"\b(?!\s*::)", text)


def main():
    claims_text = "\n".join(strip_comments(p.read_text()) for p in sorted((ROOT / "claims").rglob("*.[ch]pp")))
    declared = {}
    for f in sorted((ROOT / "theory").glob("*.hpp")):
        for n in scan(f):
            declared.setdefault(n, f.relative_to(ROOT))
    reached = {n for n in declared if calls(claims_text, n)}
    bad = 0
    for n in sorted(declared):
        if n not in reached and n not in PENDING and n not in INTERNAL:
            print(f"UNREACHED {declared[n]}: {n} (called by no claim check)")
            bad += 1
        elif n in reached and n in PENDING:
            print(f"STALE PENDING {n}: now reached by a claim, remove it from PENDING in {pathlib.Path(__file__).name}")
            bad += 1
        elif n in PENDING:
            print(f"pending {n}: {PENDING[n]}")
    print(f"{len(reached)} of {len(declared)} theory/ functions called from claims/, {bad} problem(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
