#!/usr/bin/env python3
"""Whole-process benchmarks: what one process can't time from the inside.

usage (from the workspace root):
  python3 codegen/benches/bench.py generate [N ...]   # the codegen binary end to end
  python3 codegen/benches/bench.py compile [N ...]    # clean and incremental `cargo check`
  python3 codegen/benches/bench.py regenerate         # what a no-change and a one-spec run write
  python3 codegen/benches/bench.py peers [N ...]      # all of the above beside progenitor and
                                                      # openapi-generator (installs both; not CI)

BENCH_GROUPS=G spreads the synthetic endpoints over G groups (G crates; default 1); for `peers`
a list, BENCH_GROUPS=10,1, measures ours once per group count beside the peers' one run.

Everything happens under target/bench/ (nothing is checked in). Wall time and peak memory come
from GNU time (`/usr/bin/time -f "%e %M"`): the peak is the largest resident set of the process
or any descendant it waited for, so for `cargo check` it is rustc's peak. The synthetic specs come
from `codegen synthetic` (see BENCHMARKS.md for their shape).
"""
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / "target" / "bench"
CODEGEN = ROOT / "target" / "release" / "codegen"
PEERS = WORK / "peers"
PROGENITOR_VERSION = "0.15.1"
OPENAPI_GENERATOR_VERSION = "7.26.0"


def log(message):
    print(message, file=sys.stderr, flush=True)


def run(cmd, cwd=None, env=None, quiet=True):
    """Runs cmd; fails loudly with its output when it fails."""
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=quiet, text=True)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, cmd))}\n{result.stdout or ''}{result.stderr or ''}")
    return result


def timed(cmd, cwd=None, env=None):
    """(wall seconds, peak MiB) of cmd, measured by GNU time."""
    result = subprocess.run(
        ["/usr/bin/time", "-f", "BENCH %e %M", *map(str, cmd)],
        cwd=cwd, env=env, capture_output=True, text=True,
    )
    found = re.findall(r"BENCH ([0-9.]+) ([0-9]+)", result.stderr)
    if result.returncode != 0 or not found:
        sys.exit(f"failed: {' '.join(map(str, cmd))}\n{result.stdout}{result.stderr}")
    wall, kib = found[-1]
    return float(wall), int(kib) / 1024


def build_codegen():
    if os.environ.get("BENCH_NO_BUILD"):
        return  # the caller put a codegen binary at target/release/codegen
    log("building codegen (release)")
    run(["cargo", "build", "--release", "--locked", "-q", "-p", "codegen"], cwd=ROOT)


GROUP_COUNTS = [int(g) for g in os.environ.get("BENCH_GROUPS", "1").split(",")]
GROUPS = GROUP_COUNTS[0]


def synthetic_specs(n):
    """The synthetic spec set of n endpoints over GROUPS groups, written afresh by this codegen
    binary (a set left by an older one may differ)."""
    specs = WORK / f"specs-{n}-{GROUPS}"
    shutil.rmtree(specs, ignore_errors=True)
    run([CODEGEN, "synthetic", "--endpoints", str(n), "--groups", str(GROUPS), "--out", specs])
    return specs


def our_workspace(n):
    """A workspace holding a copy of the client crate (its hand-written files and manifest) and
    the runtime crate, with no generated crate: the synthetic API is generated into it.
    Dependency versions come from our lock file. The third-party platform (`platform`, `redis`)
    names groups the synthetic specs do not have, so it is left out."""
    ws = WORK / f"ours-{n}-{GROUPS}"
    if ws.exists():
        shutil.rmtree(ws)
    crate = ws / "generated"
    crate.mkdir(parents=True)
    manifest = (ROOT / "Cargo.toml").read_text()
    members = '["generated", "generated/runtime", "generated/shared", "generated/groups/*"]'
    manifest = re.sub(r'members = \[[^\]]*\]', f"members = {members}", manifest)
    manifest = re.sub(r'\nexclude = \[[^\]]*\]', "", manifest)
    manifest = re.sub(r'\n(wechat-api-client|codegen) = \{ path[^\n]*', "", manifest)
    (ws / "Cargo.toml").write_text(manifest)
    shutil.copy(ROOT / "Cargo.lock", ws / "Cargo.lock")
    shutil.copy(ROOT / "README.md", ws / "README.md")
    shutil.copytree(ROOT / "generated" / "runtime", crate / "runtime")
    shutil.copytree(ROOT / "generated" / "src", crate / "src")
    client = (ROOT / "generated" / "Cargo.toml").read_text()
    # Only the package, its features and dependencies: no examples, tests or benches.
    client = client[: client.index("\n[lints]")] + "\n[lints]\nworkspace = true\n"
    client = re.sub(r'\nplatform = \[[^\]]*\]', "", client)
    client = re.sub(r'\n# A token store on Redis[^\n]*\nredis = [^\n]*', "", client)
    (crate / "Cargo.toml").write_text(client)
    shutil.rmtree(crate / "src" / "api")
    (crate / "src" / "api").mkdir()
    return ws


def generate_ours(n):
    """Generates the synthetic API of n endpoints into a fresh crate: (wall, MiB, workspace)."""
    specs = synthetic_specs(n)
    ws = our_workspace(n)
    wall, mib = timed([CODEGEN, "--specs", specs, "--crate", ws / "generated"])
    return wall, mib, ws


def cargo_check(crate_dir, package, target, touch):
    """(clean wall, clean MiB, incremental wall, incremental MiB) of `cargo check` of `package`,
    its dependencies already built. `touch` is a file of one endpoint: the incremental check
    follows an edit of it (a new item, so rustc has real work)."""
    env = dict(os.environ, CARGO_TARGET_DIR=str(target), CARGO_INCREMENTAL="1")
    run(["cargo", "check", "-q", "-p", package], cwd=crate_dir, env=env)  # dependencies
    # The generated crates are the package's and its generated dependencies (ours: the shared
    # crate and one per group).
    generated = [package] + [
        f"{package}-{d.name}" for d in sorted((crate_dir / "generated" / "groups").glob("*"))
    ] if (crate_dir / "generated" / "groups").is_dir() else [package]
    if len(generated) > 1:
        generated.append(f"{package}-shared")
    run(["cargo", "clean", "-q", *[a for p in generated for a in ("-p", p)]], cwd=crate_dir, env=env)
    clean = timed(["cargo", "check", "-q", "-p", package], cwd=crate_dir, env=env)
    with open(touch, "a") as f:
        f.write("\n/// Added by the benchmark: an edit of one endpoint's file.\npub const BENCH_EDIT: u8 = 1;\n")
    incremental = timed(["cargo", "check", "-q", "-p", package], cwd=crate_dir, env=env)
    return (*clean, *incremental)


def check_ours(n, ws):
    files = sorted((ws / "generated" / "groups").rglob("wxamplinkget0.rs"))
    return cargo_check(ws, "wechat-api-client", WORK / "target-ours", files[0])


# ---- peers ---------------------------------------------------------------------------------


def install_peers():
    """cargo-progenitor from crates.io, openapi-generator from PyPI (the package bundles the jar;
    Java must be on the machine). Both go under target/bench/peers/ and are reused."""
    progenitor = PEERS / "bin" / "cargo-progenitor"
    if not progenitor.exists():
        log(f"installing cargo-progenitor {PROGENITOR_VERSION}")
        run(["cargo", "install", "--locked", "--root", PEERS, f"cargo-progenitor@{PROGENITOR_VERSION}"])
    venv = PEERS / "venv"
    generator = venv / "bin" / "openapi-generator-cli"
    if not generator.exists():
        log(f"installing openapi-generator-cli {OPENAPI_GENERATOR_VERSION}")
        run([sys.executable, "-m", "venv", venv])
        run([venv / "bin" / "pip", "install", "-q", f"openapi-generator-cli=={OPENAPI_GENERATOR_VERSION}"])
    return progenitor, generator


def generate_progenitor(progenitor, openapi, n):
    out = WORK / f"progenitor-{n}"
    shutil.rmtree(out, ignore_errors=True)
    wall, mib = timed([progenitor, "progenitor", "-i", openapi, "-o", out, "-n", "synth", "-v", "0.1.0"])
    # A crate of its own, outside our workspace.
    with open(out / "Cargo.toml", "a") as f:
        f.write("\n[workspace]\n")
    return wall, mib, out


def generate_openapi_generator(generator, openapi, n):
    out = WORK / f"openapi-generator-{n}"
    shutil.rmtree(out, ignore_errors=True)
    wall, mib = timed([
        generator, "generate", "-g", "rust", "-i", openapi, "-o", out,
        "--additional-properties=packageName=synth,library=reqwest",
        "--skip-validate-spec",
    ])
    with open(out / "Cargo.toml", "a") as f:
        f.write("\n[workspace]\n")
    return wall, mib, out


# ---- reports -------------------------------------------------------------------------------


def fmt_pair(wall, mib):
    return f"{wall:.2f} s / {mib:.0f} MiB"


def cmd_generate(sizes):
    build_codegen()
    print("| N | codegen binary, end to end: wall / peak memory | files | output |")
    print("| --- | --- | --- | --- |")
    for n in sizes:
        wall, mib, ws = generate_ours(n)
        files = [f for part in ("src/api", "shared", "groups")
                 for f in (ws / "generated" / part).rglob("*.rs")]
        size = sum(f.stat().st_size for f in files) / 2**20
        print(f"| {n} | {fmt_pair(wall, mib)} | {len(files)} | {size:.1f} MiB |", flush=True)


def cmd_compile(sizes):
    build_codegen()
    print("| N | clean `cargo check`: wall / peak rustc memory | after editing one endpoint |")
    print("| --- | --- | --- |")
    results = {}
    for n in sizes:
        _, _, ws = generate_ours(n)
        c_wall, c_mib, i_wall, i_mib = check_ours(n, ws)
        results[n] = c_wall
        print(f"| {n} | {fmt_pair(c_wall, c_mib)} | {fmt_pair(i_wall, i_mib)} |", flush=True)
    if 100 in results and 1000 in results:
        print(f"\ngrowth of the clean check from N=100 to N=1000: {results[1000] / results[100]:.1f}x")


def cmd_regenerate():
    """A run with no spec changed writes nothing; a changed spec rewrites its file and the
    OpenAPI export (the index that lists it), and nothing else."""
    build_codegen()
    n = 100
    specs = synthetic_specs(n)
    _, _, ws = generate_ours(n)
    crate = ws / "generated"
    again = run([CODEGEN, "--specs", specs, "--crate", crate]).stderr
    print("no spec changed:\n  " + "\n  ".join(line for line in again.splitlines() if "codegen:" in line))
    # The same folder, edited in place: file headers name the specs folder.
    spec = next(specs.rglob("wxamplinkget7.yaml"))
    spec.write_text(spec.read_text().replace("(variant 7)", "(variant 7, edited)"))
    changed = run([CODEGEN, "--specs", specs, "--crate", crate]).stderr
    print("one spec changed (wxamplinkget7):\n  " + "\n  ".join(
        line.strip() for line in changed.splitlines() if "wrote" in line or "codegen:" in line))


def cmd_peers(sizes):
    build_codegen()
    progenitor, generator = install_peers()
    rows = []
    global GROUPS
    for n in sizes:
        for groups in GROUP_COUNTS:
            GROUPS = groups
            log(f"N={n}: ours, {groups} group(s)")
            g_wall, g_mib, ws = generate_ours(n)
            openapi = ws / "generated" / "openapi" / "api.weixin.qq.com.json"
            ours = (g_wall, g_mib, *check_ours(n, ws))
            rows.append((f"ours (codegen), {groups} group(s)", n, ours))
        log(f"N={n}: progenitor")
        p_wall, p_mib, out = generate_progenitor(progenitor, openapi, n)
        rows.append(("progenitor " + PROGENITOR_VERSION, n,
                     (p_wall, p_mib, *cargo_check(out, "synth", WORK / "target-progenitor", out / "src" / "lib.rs"))))
        log(f"N={n}: openapi-generator")
        o_wall, o_mib, out = generate_openapi_generator(generator, openapi, n)
        # The operations' file (one per tag), not the module index.
        touch = next(f for f in sorted((out / "src" / "apis").glob("*_api.rs")))
        rows.append(("openapi-generator " + OPENAPI_GENERATOR_VERSION, n,
                     (o_wall, o_mib, *cargo_check(out, "synth", WORK / "target-openapi-generator", touch))))
    print("| generator | N | generate: wall / peak | clean `cargo check`: wall / peak rustc | incremental check: wall / peak |")
    print("| --- | --- | --- | --- | --- |")
    for name, n, r in rows:
        print(f"| {name} | {n} | {fmt_pair(r[0], r[1])} | {fmt_pair(r[2], r[3])} | {fmt_pair(r[4], r[5])} |")
    print("\nratios ours / theirs (below 1 is better for us):")
    print("| peer | N | generate wall | generate peak | check wall | check peak | incremental wall |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for ours_name, on, o in rows:
        if not ours_name.startswith("ours"):
            continue
        for name, n, r in rows:
            if name.startswith("ours") or n != on:
                continue
            ratios = [o[i] / r[i] for i in (0, 1, 2, 3, 4)]
            print(f"| {ours_name} vs {name} | {n} | " + " | ".join(f"{x:.3f}" for x in ratios) + " |")
    growth = {}
    for name, n, r in rows:
        growth.setdefault(name, {})[n] = r[2]
    print("\nclean check growth from the smallest to the largest N:")
    for name, by_n in growth.items():
        if len(by_n) > 1:
            lo, hi = min(by_n), max(by_n)
            print(f"  {name}: {by_n[hi] / by_n[lo]:.1f}x ({lo} -> {hi})")
    (WORK / "peers.json").write_text(json.dumps(rows, indent=1))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    command, args = sys.argv[1], [int(a) for a in sys.argv[2:]]
    if command == "generate":
        cmd_generate(args or [1, 100, 1000])
    elif command == "compile":
        cmd_compile(args or [100, 1000])
    elif command == "regenerate":
        cmd_regenerate()
    elif command == "peers":
        cmd_peers(args or [100, 1000])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
