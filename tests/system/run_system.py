#!/usr/bin/env python3
"""tests/system: runs the host model tests of the root server (host-rootserver-<mode> binaries
given after OUT_DIR), then boots the composed LarkOS system in QEMU virt (-icount shift=0),
types into its console and checks what it prints.
Usage: run_system.py IMAGES_DIR OUT_DIR [HOST_TEST_BINARY...].

Every check prints "PASS name" or "FAIL name: why"; the last line is
"system-tests: N passed, M failed". The QEMU logs are OUT_DIR/system.log and
OUT_DIR/badspec.log; a few figures (spec size, reclaim, boot-to-console instructions) are
printed as "figure: ..." lines."""
import os
import re
import subprocess
import sys
import threading
import time

QEMU = ["qemu-system-riscv64", "-M", "virt", "-m", "128M", "-nographic", "-bios", "default",
        "-no-reboot", "-icount", "shift=0", "-kernel"]
WAIT = 60  # seconds for any one expected output; the host is shared and may be slow
# What ping's successful memory requests add up to (components/ping/main.c): a batch of two
# notifications, an endpoint, a frame and a 16-slot CNode, then three static endpoints.
PING_BYTES = 2 * 64 + 16 + 4096 + (16 << 5) + 3 * 16
PING_OBJS = 5 + 3

passed = 0
failed = 0


def check(ok, name, why=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"PASS {name}")
    else:
        failed += 1
        print(f"FAIL {name}: {why}")


class Machine:
    """One QEMU run with the serial console on stdin/stdout."""

    def __init__(self, image, log_path):
        self.out = bytearray()
        self.lock = threading.Lock()
        self.log_path = log_path
        self.proc = subprocess.Popen(QEMU + [image], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        while True:
            b = self.proc.stdout.read1(4096)
            if not b:
                return
            with self.lock:
                self.out += b

    def text(self):
        with self.lock:
            return self.out.decode("utf-8", "replace")

    def wait_for(self, pattern, start=0, timeout=WAIT):
        """The first match of pattern in the output from offset start, or None."""
        deadline = time.time() + timeout
        rx = re.compile(pattern)
        while time.time() < deadline:
            m = rx.search(self.text(), start)
            if m:
                return m
            if self.proc.poll() is not None:
                time.sleep(0.2)
                return rx.search(self.text(), start)
            time.sleep(0.05)
        return None

    def type(self, s):
        # One byte at a time, as a person types: the UART's receive FIFO is 16 bytes.
        for ch in s.encode():
            self.proc.stdin.write(bytes([ch]))
            self.proc.stdin.flush()
            time.sleep(0.01)

    def exited(self, timeout):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.reader.join(timeout=5)
        with open(self.log_path, "w") as f:
            f.write(self.text())


def console_command(m, line, expect, name):
    """Types line + Enter at a fresh prompt and checks the echo and the expected answer."""
    start = len(m.text())
    m.type(line + "\r")
    echoed = m.wait_for(re.escape(line.replace("\x7f", "")) if "\x7f" not in line else r"\x08 \x08", start)
    answer = m.wait_for(expect, start)
    prompt = m.wait_for(r"LARK> ", answer.end() if answer else start) if answer else None
    check(echoed is not None and answer is not None and prompt is not None, name,
          f"no echo/answer {expect!r} for {line!r}; output: {m.text()[start:][-300:]!r}")
    return answer


def boot_system(images, out):
    m = Machine(os.path.join(images, "system.img"), os.path.join(out, "system.log"))
    try:
        prompt = m.wait_for(r"LARK> ")
        check(prompt is not None, "console_prompt_appears", "no LARK> prompt")
        check(re.search(r"LarkOS console \(type help\)\r\nconsole: ready at instret \d+\r?\n", m.text()) is not None,
              "uart_flush_orders_banner_before_kernel_line", "banner and kernel line out of order")
        ping_done = m.wait_for(r"ping: (\d+) passed, (\d+) failed")
        fault = m.wait_for(r"fault: thread ping\.main \(no fault handler\) type 1 addr (\w+)")
        log = m.text()

        spec = re.search(r"rootserver: spec (\d+) bytes: (\d+) components, (\d+) objects, (\d+) caps, "
                         r"(\d+) mappings, (\d+) fills, (\d+) threads, (\d+) irqs", log)
        check(spec is not None and spec.group(2) == "5", "rootserver_reads_the_spec", "no spec line")
        comps = re.findall(r"rootserver: component (\w+): (\S+) (\d+) bytes", log)
        check(sorted(c[0] for c in comps) == ["console", "memory_manager", "ping", "pong", "uart_driver"],
              "rootserver_finds_every_component_elf", f"components {comps}")
        check(re.search(r"rootserver: components started after \d+ instructions, suspending", log) and "rootserver: error" not in log,
              "rootserver_hands_off_and_suspends", "no hand-off line or an error")
        check(re.search(r"rootserver: hand-off: holding CNode 2\^\d+ slots \(\d+ caps\), \d+ untypeds", log)
              is not None, "rootserver_reports_the_hand_off", "no hand-off summary")

        kernel = re.search(r"tainted block \w+ \(2\^(\d+)\)", log)
        recl = re.search(r"memory_manager: revoked the tainted untypeds: reclaimed (\d+) bytes from the root "
                         r"server \(the kernel reported (\d+) tainted\)", log)
        tainted = 1 << int(kernel.group(1)) if kernel else None
        check(recl is not None and tainted is not None and int(recl.group(1)) == int(recl.group(2)) == tainted,
              "memory_manager_reclaims_exactly_the_tainted_ram",
              f"reclaimed {recl.groups() if recl else None}, kernel tainted {tainted}")
        check("still holds" not in log and "revoke of tainted" not in log, "tainted_untypeds_empty_after_revoke",
              "a tainted untyped kept objects")
        figs = re.search(r"memory_manager: total RAM (\d+) bytes, used by components (\d+) bytes, reclaimed (\d+) "
                         r"bytes, free (\d+) bytes", log)
        ok = figs is not None and int(figs.group(1)) == int(figs.group(2)) + int(figs.group(4)) and \
            int(figs.group(4)) > int(figs.group(3))
        check(ok, "memory_figures_add_up", f"figures {figs.groups() if figs else None}")
        for who, line in [("uart_driver", r"uart_driver: 16550 at \w+ \(virtual\), IRQ 10, serving"),
                          ("memory_manager", r"memory_manager: serving"), ("pong", r"pong: serving"),
                          ("pong_helper_thread", r"pong\.helper: thread 1 started, IPC buffer ok")]:
            check(re.search(line, log) is not None, f"{who}_starts", f"no {line!r}")

        for name in re.findall(r"ping: PASS (\w+)", log):
            check(True, f"ping_{name}")
        for name, why in re.findall(r"ping: FAIL (\w+): (.*)", log):
            check(False, f"ping_{name}", why.strip())
        check(ping_done is not None and ping_done.group(2) == "0" and int(ping_done.group(1)) > 0,
              "ping_reports_no_failure", f"summary {ping_done.group(0) if ping_done else None}")
        check(fault is not None and fault.group(1).startswith("8000"), "ping_cap_fault_reported_by_the_kernel",
              "no CapFault report for ping")

        console_command(m, "echo hello lark", r"\r\nhello lark\r\n", "console_echoes_a_typed_line")
        ms = console_command(m, "mstats", r"(\d+) bytes in-use, (\d+) bytes free, (\d+) bytes requested, (\d+) "
                             r"overhead\r\n(\d+) objs in-use, (\d+) objs requested\r\n(\d+) bytes reclaimed",
                             "console_mstats_answers")
        if ms and figs:
            v = [int(x) for x in ms.groups()]
            check(v[0] == 0 and v[4] == 0, "mstats_nothing_in_use_after_ping_freed", f"in use {v[0]} bytes {v[4]} objs")
            check(v[2] == PING_BYTES and v[5] == PING_OBJS, "mstats_counts_pings_batch",
                  f"requested {v[2]} bytes {v[5]} objs")
            check(v[1] == int(figs.group(4)) and v[3] == int(figs.group(2)), "mstats_free_and_overhead_match_boot",
                  f"free {v[1]} overhead {v[3]} vs boot {figs.group(4)} {figs.group(2)}")
            check(v[6] == tainted, "mstats_reclaim_equals_tainted", f"{v[6]} vs {tainted}")
        mt = console_command(m, "memtest", r"memtest: (\d+) objects, (\d+) bytes; in use (\d+) -> (\d+) -> (\d+) "
                             r"bytes: (\w+)\r\n", "console_memtest_runs")
        want = 64 * 4096 + 16 * 64 + 8 * 16 + 2 * 2048
        check(mt is not None and mt.group(1) == "90" and int(mt.group(2)) == want and mt.group(6) == "ok"
              and mt.group(3) == mt.group(5) == "0", "memtest_in_use_returns_to_baseline",
              f"got {mt.group(0) if mt else None!r}, want 90 objects {want} bytes")
        console_command(m, "mstats", r"0 bytes in-use, \d+ bytes free, %d bytes requested" % (PING_BYTES + want),
                        "mstats_counts_memtest_as_requested")
        start = len(m.text())
        console_command(m, "mdebug", r"mdebug: printed by the memory manager\r\n", "console_mdebug")
        slabs = m.wait_for(r"memory_manager: (\d+) free slabs, (\d+) static slabs; (\d+) slab-too-small retries, "
                           r"(\d+) out of memory", start)
        check(slabs is not None and slabs.group(4) == "1", "memory_manager_debug_lists_slabs_and_counts_ooms",
              f"got {slabs.group(0) if slabs else None!r} (ping's 2^37 request is the one out of memory)")
        start = len(m.text())
        console_command(m, "capscan", r"capscan: printed by the memory manager\r\n", "console_capscan")
        console_command(m, "frobnicate", r"frobnicate: unknown command\r\n", "console_unknown_command")
        console_command(m, "echo abX\x7fc", r"\r\nabc\r\n", "console_backspace_erases")
        console_command(m, "echo still alive", r"\r\nstill alive\r\n", "console_runs_after_pings_cap_fault")
        check(fault is not None and m.proc.poll() is None, "system_keeps_running_after_the_fault", "QEMU stopped")

        ready = re.search(r"console: ready at instret (\d+)", log)
        enter = re.search(r"entering the root task \(instret (\d+)\)", log)
        if spec:
            print(f"figure: spec {spec.group(1)} bytes, {spec.group(3)} objects, {spec.group(4)} caps, "
                  f"{spec.group(5)} mappings")
        for c in comps:
            print(f"figure: component {c[0]} ELF {c[2]} bytes")
        if recl and figs:
            print(f"figure: total RAM {figs.group(1)}, used by components {figs.group(2)}, reclaimed {recl.group(1)}, "
                  f"free {figs.group(4)} bytes")
        if ready:
            print(f"figure: console ready at guest instruction {ready.group(1)}"
                  + (f" ({int(ready.group(1)) - int(enter.group(1))} after the kernel entered the root task)"
                     if enter else ""))
    finally:
        m.stop()


def boot_bad_spec(images, out):
    m = Machine(os.path.join(images, "system-badspec.img"), os.path.join(out, "badspec.log"))
    try:
        rc = m.exited(WAIT)
        log = m.text()
        bad = re.search(r"rootserver: bad spec \((\d+) bytes\): (.*)", log)
        check(bad is not None and "checksum" in bad.group(2), "bad_spec_refused_with_reason",
              f"got {bad.group(0) if bad else None}")
        check(rc == 0 and "rootserver: stopped, nothing started" in log and "lark: exit 1" in log,
              "bad_spec_stops_cleanly", f"exit {rc}")
        check(re.search(r"^(uart_driver|memory_manager|console|ping|pong):", log, re.M) is None
              and "rootserver: created" not in log, "bad_spec_creates_nothing", "something ran")
    finally:
        m.stop()


def boot_bad_elf(images, out):
    m = Machine(os.path.join(images, "system-badelf.img"), os.path.join(out, "badelf.log"))
    try:
        rc = m.exited(WAIT)
        log = m.text()
        check(re.search(r"rootserver: component memory_manager: ELF memory_manager\.elf missing or not \d+ bytes", log)
              is not None and "rootserver: error: spec: the archive does not match it" in log,
              "mismatched_component_elf_refused", "no mismatch report")
        check(rc == 0 and "lark: exit 1" in log and "rootserver: created" not in log
              and re.search(r"^(uart_driver|memory_manager|console|ping|pong):", log, re.M) is None,
              "mismatched_component_elf_stops_cleanly", f"exit {rc}")
    finally:
        m.stop()


def host_tests(binaries):
    """Each binary host-rootserver-<mode> runs with <mode>; its PASS/FAIL lines count here."""
    for binary in binaries:
        mode = os.path.basename(binary).rsplit("-", 1)[-1]
        try:
            res = subprocess.run([binary, mode], capture_output=True, text=True, timeout=WAIT)
            lines = res.stdout.splitlines()
        except subprocess.TimeoutExpired:
            check(False, f"host_{mode}_finishes", "timeout")
            continue
        seen = 0
        for line in lines:
            if line.startswith("PASS "):
                check(True, line[5:])
                seen += 1
            elif line.startswith("FAIL "):
                name, _, why = line[5:].partition(": ")
                check(False, name, why)
                seen += 1
            elif line.startswith("  "):
                print(line)
        if seen == 0 or res.returncode not in (0, 1):
            check(False, f"host_{mode}_runs", f"exit {res.returncode}: {res.stderr[-300:]}")


def main():
    images, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    host_tests(sys.argv[3:])
    boot_system(images, out)
    boot_bad_spec(images, out)
    boot_bad_elf(images, out)
    print(f"system-tests: {passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
