#!/usr/bin/env python3
"""Checks META.json (PGXN distribution metadata) and prints TAP.

  tools/check-meta.py              check ./META.json of the source tree
  tools/check-meta.py --self-test  also check that the validator rejects broken
                                   copies of META.json (one per rule)

Two groups of checks, one TAP line each:
  - the PGXN Meta Spec 1.0.0 (https://pgxn.org/spec/): mandatory keys, types,
    SemVer versions, terms, tags, licenses, prereqs, resources, no_index;
    no Debian package validates it (PGXN::Meta::Validator is only on CPAN), so
    the rules are written out here, standard library only;
  - agreement with the tree: the distribution and its extension carry the
    control file's default_version, the extension is the one of the control
    file, the files named exist, debian/changelog has the same upstream
    version and debian/pgversions the same lowest PostgreSQL as prereqs.
Exits 1 when a check fails.
"""
import copy
import json
import os
import re
import sys

SEMVER = (r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)"
          r"(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?")
SEMVER_RE = re.compile(r"^" + SEMVER + r"$")
RANGE_PART_RE = re.compile(r"^((==|!=|<=|>=|<|>)\s*)?" + SEMVER + r"$")
URI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LICENSES = {
    "agpl_3", "apache_1_1", "apache_2_0", "artistic_1", "artistic_2", "bsd",
    "freebsd", "gfdl_1_2", "gfdl_1_3", "gpl_1", "gpl_2", "gpl_3", "lgpl_2_1",
    "lgpl_3_0", "mit", "mozilla_1_0", "mozilla_1_1", "openssl", "perl_5",
    "postgresql", "qpl_1_0", "ssleay", "sun", "zlib", "open_source",
    "restricted", "unrestricted", "unknown",
}
TOP_KEYS = {"name", "abstract", "description", "version", "maintainer",
            "license", "provides", "prereqs", "resources", "tags", "no_index",
            "release_status", "meta-spec", "generated_by"}
MANDATORY = ["name", "abstract", "version", "maintainer", "license",
             "provides", "meta-spec"]
PHASES = {"configure", "build", "test", "runtime", "develop"}
RELATIONS = {"requires", "recommends", "suggests", "conflicts"}


def custom(key):
    return isinstance(key, str) and len(key) > 2 and key[:2] in ("x_", "X_")


def is_str(v, min_len=1):
    return isinstance(v, str) and len(v) >= min_len


def has_cntrl(s):
    return any(ord(c) < 32 or 127 <= ord(c) < 160 for c in s)


def is_term(v):
    return is_str(v, 2) and not has_cntrl(v) and not re.search(r"[/\\\s]", v)


def is_tag(v):
    return is_str(v, 2) and len(v) <= 255 and not has_cntrl(v) and not re.search(r"[/\\]", v)


def is_path(v):
    return (is_str(v) and not v.startswith("/") and "\\" not in v
            and ".." not in v.split("/") and not has_cntrl(v))


def is_version(v):
    return isinstance(v, str) and SEMVER_RE.match(v) is not None


def is_range(v):
    if v == 0 and not isinstance(v, bool):
        return True
    if not isinstance(v, str):
        return False
    if v == "0":
        return True
    return all(RANGE_PART_RE.match(p.strip()) for p in v.split(","))


def unknown_keys(obj, allowed, where):
    return ["%s: unknown key '%s'" % (where, k) for k in obj
            if k not in allowed and not custom(k)]


def spec_errors(meta):
    """Errors against the PGXN Meta Spec 1.0.0."""
    if not isinstance(meta, dict):
        return ["the document is not a JSON object"]
    err = ["missing mandatory key '%s'" % k for k in MANDATORY if k not in meta]
    err += unknown_keys(meta, TOP_KEYS, "top level")

    if "name" in meta and not is_term(meta["name"]):
        err.append("name: not a term (2+ characters, no slash, backslash, space or control character)")
    if "version" in meta and not is_version(meta["version"]):
        err.append("version: '%s' is not a semantic version" % meta["version"])
    for k in ("abstract", "description", "generated_by"):
        if k in meta and not is_str(meta[k]):
            err.append("%s: not a non-empty string" % k)

    m = meta.get("maintainer")
    if "maintainer" in meta and not (is_str(m) or (isinstance(m, list) and m and all(is_str(x) for x in m))):
        err.append("maintainer: not a string or a non-empty array of strings")

    lic = meta.get("license")
    if "license" in meta:
        if isinstance(lic, str):
            ok = lic in LICENSES
        elif isinstance(lic, list):
            ok = bool(lic) and all(x in LICENSES for x in lic)
        elif isinstance(lic, dict):
            ok = bool(lic) and all(is_str(v) and URI_RE.match(v) for v in lic.values())
        else:
            ok = False
        if not ok:
            err.append("license: not a known license name, a list of them, or an object of name -> URI")

    prov = meta.get("provides")
    if "provides" in meta:
        if not isinstance(prov, dict) or not prov:
            err.append("provides: not a non-empty object")
        else:
            for ext, e in prov.items():
                w = "provides.%s" % ext
                if not is_term(ext):
                    err.append("%s: extension name is not a term" % w)
                if not isinstance(e, dict):
                    err.append("%s: not an object" % w)
                    continue
                err += unknown_keys(e, {"file", "version", "abstract", "docfile"}, w)
                for k in ("file", "version"):
                    if k not in e:
                        err.append("%s: missing mandatory key '%s'" % (w, k))
                for k in ("file", "docfile"):
                    if k in e and not is_path(e[k]):
                        err.append("%s.%s: not a relative unix path" % (w, k))
                if "version" in e and not is_version(e["version"]):
                    err.append("%s.version: '%s' is not a semantic version" % (w, e["version"]))
                if "abstract" in e and not is_str(e["abstract"]):
                    err.append("%s.abstract: not a non-empty string" % w)

    ms = meta.get("meta-spec")
    if "meta-spec" in meta:
        if not isinstance(ms, dict) or "version" not in ms:
            err.append("meta-spec: not an object with a version")
        else:
            err += unknown_keys(ms, {"version", "url"}, "meta-spec")
            if not (isinstance(ms["version"], str) and re.match(r"^1\.0\.[0-9]+$", ms["version"])):
                err.append("meta-spec.version: must be 1.0.x")
            if "url" in ms and ms["url"] not in ("https://pgxn.org/meta/spec.txt", "http://pgxn.org/meta/spec.txt"):
                err.append("meta-spec.url: must be https://pgxn.org/meta/spec.txt")

    if "release_status" in meta and meta["release_status"] not in ("stable", "testing", "unstable"):
        err.append("release_status: must be stable, testing or unstable")

    if "tags" in meta:
        t = meta["tags"]
        if not isinstance(t, list) or not t:
            err.append("tags: not a non-empty array")
        else:
            err += ["tags: '%s' is not a tag (2-255 characters, no slash, backslash or control character)" % x
                    for x in t if not is_tag(x)]

    if "no_index" in meta:
        ni = meta["no_index"]
        if not isinstance(ni, dict) or not ({"file", "directory"} & set(ni)):
            err.append("no_index: not an object with file and/or directory")
        else:
            err += unknown_keys(ni, {"file", "directory"}, "no_index")
            for k in ("file", "directory"):
                if k not in ni:
                    continue
                v = ni[k]
                lst = v if isinstance(v, list) else [v]
                if not lst or not all(is_path(p) for p in lst) or len(set(map(str, lst))) != len(lst):
                    err.append("no_index.%s: not a path or an array of distinct relative unix paths" % k)

    if "prereqs" in meta:
        pr = meta["prereqs"]
        if not isinstance(pr, dict) or not pr:
            err.append("prereqs: not a non-empty object")
        else:
            err += unknown_keys(pr, PHASES, "prereqs")
            for ph, rels in pr.items():
                if custom(ph):
                    continue
                w = "prereqs.%s" % ph
                if not isinstance(rels, dict) or not rels:
                    err.append("%s: not a non-empty object" % w)
                    continue
                err += unknown_keys(rels, RELATIONS, w)
                for rel, deps in rels.items():
                    if custom(rel):
                        continue
                    if not isinstance(deps, dict):
                        err.append("%s.%s: not an object" % (w, rel))
                        continue
                    for name, rng in deps.items():
                        if not is_term(name):
                            err.append("%s.%s: '%s' is not a term" % (w, rel, name))
                        if not is_range(rng):
                            err.append("%s.%s.%s: '%s' is not a version range" % (w, rel, name, rng))

    if "resources" in meta:
        rs = meta["resources"]
        if not isinstance(rs, dict) or not rs:
            err.append("resources: not a non-empty object")
        else:
            err += unknown_keys(rs, {"homepage", "bugtracker", "repository"}, "resources")
            if "homepage" in rs and not (is_str(rs["homepage"]) and URI_RE.match(rs["homepage"])):
                err.append("resources.homepage: not a URI")
            bt = rs.get("bugtracker")
            if "bugtracker" in rs:
                if not isinstance(bt, dict) or not ({"web", "mailto"} & set(bt)):
                    err.append("resources.bugtracker: not an object with web and/or mailto")
                else:
                    err += unknown_keys(bt, {"web", "mailto"}, "resources.bugtracker")
                    if "web" in bt and not (is_str(bt["web"]) and URI_RE.match(bt["web"])):
                        err.append("resources.bugtracker.web: not a URI")
                    if "mailto" in bt and not (is_str(bt["mailto"]) and EMAIL_RE.match(bt["mailto"])):
                        err.append("resources.bugtracker.mailto: not an email address")
            rp = rs.get("repository")
            if "repository" in rs:
                if not isinstance(rp, dict) or not ("web" in rp or ("url" in rp and "type" in rp)):
                    err.append("resources.repository: needs web, or url and type")
                else:
                    err += unknown_keys(rp, {"url", "web", "type"}, "resources.repository")
                    for k in ("url", "web"):
                        if k in rp and not (is_str(rp[k]) and URI_RE.match(rp[k])):
                            err.append("resources.repository.%s: not a URI" % k)
                    if "type" in rp and not (is_str(rp["type"]) and rp["type"] == rp["type"].lower()):
                        err.append("resources.repository.type: not a lowercase string")
    return err


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def control_info(root):
    """(extension name, default_version) from the tree's only *.control file."""
    controls = sorted(f for f in os.listdir(root) if f.endswith(".control"))
    if len(controls) != 1:
        return None, None
    m = re.search(r"^\s*default_version\s*=\s*'([^']*)'", read(os.path.join(root, controls[0])), re.M)
    return controls[0][:-len(".control")], (m.group(1) if m else None)


def tree_errors(meta, root):
    """Errors in the agreement between META.json and the source tree."""
    if not isinstance(meta, dict):
        return ["the document is not a JSON object"]
    err = []
    ext, default_version = control_info(root)
    if ext is None:
        return ["no single *.control file in %s" % root]
    if default_version is None:
        err.append("%s.control has no default_version" % ext)
    if meta.get("name") != ext:
        err.append("name '%s' is not the extension's name '%s'" % (meta.get("name"), ext))
    if meta.get("version") != default_version:
        err.append("version '%s' differs from %s.control default_version '%s'"
                   % (meta.get("version"), ext, default_version))
    prov = meta.get("provides") if isinstance(meta.get("provides"), dict) else {}
    if ext not in prov:
        err.append("provides has no entry for extension '%s'" % ext)
    elif isinstance(prov[ext], dict) and prov[ext].get("version") != default_version:
        err.append("provides.%s.version '%s' differs from %s.control default_version '%s'"
                   % (ext, prov[ext].get("version"), ext, default_version))
    for name, e in prov.items():
        if not isinstance(e, dict):
            continue
        for k in ("file", "docfile"):
            if is_path(e.get(k)) and not os.path.isfile(os.path.join(root, e[k])):
                err.append("provides.%s.%s: %s is not a file of the tree" % (name, k, e[k]))
    ni = meta.get("no_index") if isinstance(meta.get("no_index"), dict) else {}
    for k, test in (("file", os.path.isfile), ("directory", os.path.isdir)):
        v = ni.get(k, [])
        for p in (v if isinstance(v, list) else [v]):
            if is_path(p) and not test(os.path.join(root, p)):
                err.append("no_index.%s: %s is not a %s of the tree" % (k, p, k))

    changelog = os.path.join(root, "debian", "changelog")
    if os.path.isfile(changelog):
        m = re.match(r"^\S+ \(([^)]*)\)", read(changelog))
        upstream = re.sub(r"-[^-]*$", "", m.group(1)) if m else None
        upstream = re.sub(r"^[0-9]+:", "", upstream) if upstream else None
        if upstream != meta.get("version"):
            err.append("debian/changelog upstream version '%s' differs from version '%s'"
                       % (upstream, meta.get("version")))
    pgversions = os.path.join(root, "debian", "pgversions")
    try:
        pg_req = meta["prereqs"]["runtime"]["requires"]["PostgreSQL"]
    except (KeyError, TypeError):
        pg_req = None
    if os.path.isfile(pgversions) and isinstance(pg_req, str):
        lines = [l.strip() for l in read(pgversions).splitlines()
                 if l.strip() and not l.strip().startswith("#")]
        majors = [int(l.rstrip("+")) for l in lines if re.match(r"^[0-9]+\+?$", l)]
        m = re.match(r"^(?:>=\s*)?([0-9]+)\.", pg_req)
        if "all" not in lines and majors and (not m or int(m.group(1)) != min(majors)):
            err.append("prereqs.runtime.requires.PostgreSQL '%s' is not the lowest of debian/pgversions (%s)"
                       % (pg_req, min(majors)))
    return err


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def check(self, ok, desc, detail=()):
        self.n += 1
        print("%sok %d - %s" % ("" if ok else "not ", self.n, desc))
        for d in detail:
            print("#   %s" % d)
        if not ok:
            self.failed += 1


# (description, mutation, expected error) for --self-test: each mutation breaks
# one rule, and the checks must report that error, which they did not report
# for the file as it is.
def _del(k):
    return lambda m: m.pop(k)


def _set(path, value):
    def f(m):
        d = m
        for k in path[:-1]:
            d = d[k]
        d[path[-1]] = value
    return f


def _ext(m):
    return next(iter(m["provides"]))


MUTATIONS = [
    ("missing license", _del("license"), "mandatory key 'license'"),
    ("missing meta-spec", _del("meta-spec"), "mandatory key 'meta-spec'"),
    ("missing provides", _del("provides"), "mandatory key 'provides'"),
    ("unknown top-level key", _set(["homepage"], "https://example.org/"), "unknown key 'homepage'"),
    ("version not SemVer", _set(["version"], "0.2"), "'0.2' is not a semantic version"),
    ("unknown license name", _set(["license"], "PostgreSQL License"), "license: not a known"),
    ("name with a space", _set(["name"], "ar credit"), "name: not a term"),
    ("tag with a slash", _set(["tags"], ["a/r"]), "'a/r' is not a tag"),
    ("empty tags", _set(["tags"], []), "tags: not a non-empty array"),
    ("bad release_status", _set(["release_status"], "beta"), "release_status: must be"),
    ("meta-spec 2.0.0", _set(["meta-spec", "version"], "2.0.0"), "must be 1.0.x"),
    ("provides entry without file", lambda m: m["provides"][_ext(m)].pop("file"), "mandatory key 'file'"),
    ("provides file absolute", lambda m: m["provides"][_ext(m)].__setitem__("file", "/etc/passwd"),
     ".file: not a relative unix path"),
    ("provides docfile missing", lambda m: m["provides"][_ext(m)].__setitem__("docfile", "doc/nonexistent.md"),
     "doc/nonexistent.md is not a file of the tree"),
    ("provides version differs", lambda m: m["provides"][_ext(m)].__setitem__("version", "9.9.9"),
     ".version '9.9.9' differs from"),
    ("distribution version differs", _set(["version"], "9.9.9"), "version '9.9.9' differs from ar_credit.control"),
    ("unknown prereq phase", _set(["prereqs", "install"], {"requires": {"PostgreSQL": "13.0.0"}}),
     "prereqs: unknown key 'install'"),
    ("bad version range", _set(["prereqs", "runtime", "requires", "PostgreSQL"], "13"),
     "'13' is not a version range"),
    ("PostgreSQL prereq off debian/pgversions", _set(["prereqs", "runtime", "requires", "PostgreSQL"], "12.0.0"),
     "is not the lowest of debian/pgversions"),
    ("repository url without type", _set(["resources", "repository"], {"url": "https://example.org/x.git"}),
     "needs web, or url and type"),
    ("homepage not a URI", _set(["resources", "homepage"], "ar_credit home"), "homepage: not a URI"),
    ("no_index directory missing", _set(["no_index", "directory"], ["nonexistent"]),
     "nonexistent is not a directory of the tree"),
]


def main(argv):
    root = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    self_test = "--self-test" in argv
    tap = Tap()
    path = os.path.join(root, "META.json")
    try:
        meta = json.loads(read(path))
    except (OSError, ValueError) as e:
        tap.check(False, "META.json is readable JSON", [str(e)])
        print("1..%d" % tap.n)
        return 1
    tap.check(True, "META.json is readable JSON")
    se = spec_errors(meta)
    tap.check(not se, "META.json follows the PGXN Meta Spec 1.0.0", se)
    te = tree_errors(meta, root)
    tap.check(not te, "META.json agrees with the control file, the tree and debian/", te)

    if self_test:
        base = set(se) | set(tree_errors(meta, root))
        for desc, mutate, expected in MUTATIONS:
            m = copy.deepcopy(meta)
            mutate(m)
            new = [e for e in spec_errors(m) + tree_errors(m, root) if e not in base]
            hit = [e for e in new if expected in e]
            tap.check(bool(hit), "rejects a META.json with %s" % desc,
                      hit[:1] or ["expected an error containing: %s" % expected] + new)
    print("1..%d" % tap.n)
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
