"""Runs one phase of rotate_ca.yml and kills it (the whole process group, SIGKILL) once the second batch of
reissue starts writing a keystore: after the first batch, in the middle of the second.

Usage: python interrupt.py INVENTORY -- prints the playbook's output; exits 0 only when the kill happened.
"""
import os
import signal
import subprocess
import sys

BATCH_PLAY = 'PLAY [CA rotation - reissue - key entries under the new CA, in batches]'
SWAP_TASKS = ('Replace the key entry with the new key and its chain', "Install the new CA's reply onto the key entry")


def main():
    playbook = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
    env = dict(os.environ, ANSIBLE_NOCOLOR='1', ANSIBLE_FORCE_COLOR='0', PYTHONUNBUFFERED='1')
    proc = subprocess.Popen([playbook, '-i', sys.argv[1], 'javasec.keystore.rotate_ca', '-e', 'rotate_ca_phase=reissue'],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, start_new_session=True)
    batches = 0
    killed = False
    for line in proc.stdout:
        sys.stdout.write(line)
        if line.startswith(BATCH_PLAY):
            batches += 1
        elif batches == 2 and line.startswith('TASK [') and any(task in line for task in SWAP_TASKS):
            os.killpg(proc.pid, signal.SIGKILL)
            killed = True
            break
    proc.wait()
    print('INTERRUPTED in batch %d' % batches if killed else 'NOT INTERRUPTED (rc %s)' % proc.returncode)
    return 0 if killed else 1


if __name__ == '__main__':
    sys.exit(main())
