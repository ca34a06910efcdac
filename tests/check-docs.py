#!/usr/bin/python3
"""The manual pages and the bash completion against the programs they
describe: every option of `modemctl --help-all` and `modemd --help-all` is in
its page, the pages render without groff warnings, and the completion offers
exactly modemctl's options and completes values as documented.

  check-docs.py SRCDIR MODEMCTL MODEMD MANDIR"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

BASH_COMPLETION = '/usr/share/bash-completion/bash_completion'
failures = []
skipped = []


def check(condition, what):
    if not condition:
        failures.append(what)


def long_options(binary):
    text = subprocess.run([binary, '--help-all'], capture_output=True, text=True,
                          env=dict(os.environ, ASAN_OPTIONS='detect_leaks=0'), check=True).stdout
    opts = set()
    # option lines only: the option, then its description after a gap
    for m in re.finditer(r'^\s+(?:-\w, )?(--[\w-]+)(=?)[^\n]*?\s{2,}\S', text, re.M):
        opts.add(m.group(1) + m.group(2))
    return opts


def check_man_page(page, binary):
    if not os.path.exists(page):
        skipped.append(f'{os.path.basename(page)} not built (help2man missing)')
        return
    roff = open(page).read()
    text = roff.replace('\\-', '-')
    for opt in long_options(binary):
        check(opt.rstrip('=') in text, f'{os.path.basename(page)}: {opt} missing')
    check('.SH "SEE ALSO"' in roff or '.SH SEE ALSO' in roff, f'{page}: no SEE ALSO')
    if shutil.which('groff'):
        res = subprocess.run(['groff', '-man', '-ww', '-z', page], capture_output=True, text=True)
        check(res.returncode == 0 and not res.stderr, f'{page}: groff: {res.stderr}')


def complete(completion, line, fake_modemctl):
    """COMPREPLY for the command line (completed at its end), with a fake
    modemctl first in PATH."""
    words = line.split(' ')
    script = f'''
source {BASH_COMPLETION}
source {completion}
compopt() {{ :; }}  # only allowed while readline completes
COMP_WORDS=({' '.join(repr(w) for w in words)})
COMP_CWORD={len(words) - 1}
COMP_LINE={line!r}
COMP_POINT={len(line)}
_modemctl modemctl "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\\n' "${{COMPREPLY[@]}}"
'''
    env = dict(os.environ, PATH=f'{fake_modemctl}:{os.environ["PATH"]}')
    res = subprocess.run(['bash', '--norc', '--noprofile', '-c', script], capture_output=True,
                         text=True, env=env)
    check(res.returncode == 0 and not res.stderr, f'completion of {line!r}: {res.stderr}')
    return sorted(w for w in res.stdout.split('\n') if w)


FAKE_MODEMCTL = '''#!/bin/sh
# modemctl as the completion calls it: -L -K and -m N -K
case "$*" in
  "-L -K") printf '%s\\n' 'modem-list.length : 2' \\
    'modem-list.value[1] : /org/example/Modem1/Modem/0' \\
    'modem-list.value[2] : /org/example/Modem1/Modem/3' ;;
  "-m 0 -K") printf '%s\\n' 'modem.generic.sim : /org/example/Modem1/SIM/4' \\
    'modem.generic.bearers.length : 1' 'modem.generic.bearers.value[1] : /org/example/Modem1/Bearer/7' ;;
  "-m 3 -K") printf '%s\\n' 'modem.generic.sim : --' 'modem.generic.bearers : --' ;;
  "-m 0 --messaging-list-sms -K") printf '%s\\n' 'modem.messaging.sms.length : 2' \\
    'modem.messaging.sms.value[1] : /org/example/Modem1/SMS/2' \\
    'modem.messaging.sms.value[2] : /org/example/Modem1/SMS/5' ;;
  "-m 0 --cell-broadcast-list-cbm -K") printf '%s\\n' 'modem.cell-broadcast.cbm.length : 1' \\
    'modem.cell-broadcast.cbm.value[1] : /org/example/Modem1/CBM/9' ;;
  "-m 0 --voice-list-calls -K") printf '%s\\n' 'modem.voice.call.length : 1' \\
    'modem.voice.call.value[1] : /org/example/Modem1/Call/5' ;;
  "-m 3 --voice-list-calls -K") printf '%s\\n' 'modem.voice.call.length : 0' ;;
esac
'''


def check_completion(completion, modemctl):
    if not os.path.exists(BASH_COMPLETION):
        skipped.append('bash-completion not installed')
        return
    text = open(completion).read()
    offered = set(re.search(r"_modemctl_options='([^']*)'", text).group(1).split())
    documented = long_options(modemctl)
    check(offered == documented,
          f'completion options differ from --help-all: missing {sorted(documented - offered)}, '
          f'stale {sorted(offered - documented)}')
    with tempfile.TemporaryDirectory() as tmp:
        fake = os.path.join(tmp, 'modemctl')
        with open(fake, 'w') as f:
            f.write(FAKE_MODEMCTL)
        os.chmod(fake, 0o755)
        cases = {
            'modemctl --simple-d': ['--simple-disconnect'],
            'modemctl --set-allowed-m': ['--set-allowed-modes='],
            'modemctl -m ': ['0', '3', 'any'],
            'modemctl -i ': ['4'],
            'modemctl -b ': ['7'],
            'modemctl -m 0 --simple-connect apn=internet,ip-type=ipv4':
                ['apn=internet,ip-type=ipv4', 'apn=internet,ip-type=ipv4v6'],
            'modemctl -m 0 --create-bearer p': ['password='],
            'modemctl -m 0 --simple-connect p': ['password=', 'pin='],
            'modemctl -G D': ['DEBUG'],
            'modemctl -s ': ['2', '5'],
            'modemctl -m 0 --messaging-delete-sms ': ['2', '5'],
            'modemctl --cbm ': ['9'],
            'modemctl -s 2 --store-in-storage m': ['me', 'mt'],
            'modemctl -m 0 --messaging-create-sms number=1,t': ['number=1,text='],
            'modemctl -o ': ['5'],
            'modemctl -m 0 --voice-create-call n': ['number='],
            'modemctl --voice-q': ['--voice-query-call-waiting'],
        }
        for line, expected in cases.items():
            got = complete(completion, line, tmp)
            check(got == expected, f'completion of {line!r}: {got}, expected {expected}')


def main():
    srcdir, modemctl, modemd, mandir = sys.argv[1:5]
    check_man_page(os.path.join(mandir, 'modemctl.1'), modemctl)
    check_man_page(os.path.join(mandir, 'modemd.8'), modemd)
    check_completion(os.path.join(srcdir, 'data', 'completion', 'modemctl'), modemctl)
    for s in skipped:
        print('SKIP:', s)
    for f in failures:
        print('FAIL:', f)
    if failures:
        return 1
    return 77 if len(skipped) == 3 else 0


sys.exit(main())
