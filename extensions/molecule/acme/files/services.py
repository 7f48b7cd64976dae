"""The servers of the ACME scenario, started in one task (each Ansible task costs seconds on a busy machine).

    services.py start WORK EAB_KID EAB_KEY HOST...   fresh WORK folder, ports, pebble's listener certificate,
                                                     an account key, challtestsrv (DNS), the webroot's web server
                                                     on 127.0.0.2 and pebble (certificates valid 10 days)
    services.py restart-pebble WORK DAYS             pebble again, issuing certificates valid DAYS days
    services.py stop WORK                            stop what start started

Every server runs under `timeout 3600`, so that a run that dies never leaves one behind (an hour: on a
machine loaded 15 times over its cores a whole run took 20 minutes). Pebble validates for real
(no PEBBLE_VA_ALWAYS_VALID) and asks challtestsrv's DNS, which knows only the names the scenario adds.
"""
import glob
import hashlib
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request

# nothing here goes through a proxy
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
NAMES = {'standalone.test': '127.0.0.3', 'webroot.test': '127.0.0.2', 'nowhere.test': '127.0.0.9'}


def stop(work):
    for pidfile in glob.glob(os.path.join(work, '*.pid')):
        stop_one(pidfile)


def stop_one(pidfile):
    try:
        with open(pidfile) as handle:
            pid = int(handle.read())
        os.kill(pid, signal.SIGTERM)
        for dummy in range(50):
            os.kill(pid, 0)
            time.sleep(0.1)
    except (OSError, ValueError):
        pass
    if os.path.exists(pidfile):
        os.remove(pidfile)


def spawn(work, name, argv, env=None):
    with open(os.path.join(work, name + '.log'), 'ab') as log:
        process = subprocess.Popen(['timeout', '3600'] + argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                   env=dict(os.environ, **(env or {})), start_new_session=True)
    with open(os.path.join(work, name + '.pid'), 'w') as handle:
        handle.write(str(process.pid))


def wait_port(port, what):
    for dummy in range(300):
        try:
            socket.create_connection(('127.0.0.1', port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    sys.exit('%s did not listen on port %d' % (what, port))


def start_pebble(work, env, days):
    with open(os.path.join(work, 'eab.json')) as handle:
        eab = json.load(handle)
    config = {'pebble': {
        'listenAddress': '127.0.0.1:%d' % env['pebble_port'],
        'managementListenAddress': '127.0.0.1:%d' % env['management_port'],
        'certificate': os.path.join(work, 'listener.pem'),
        'privateKey': os.path.join(work, 'listener.key'),
        'httpPort': env['http_port'],
        'tlsPort': env['tls_port'],
        'ocspResponderURL': '',
        'externalAccountBindingRequired': True,
        'externalAccountMACKeys': eab,
        'certificateValidityPeriod': days * 86400,
    }}
    with open(os.path.join(work, 'pebble.json'), 'w') as handle:
        json.dump(config, handle, indent=2)
    # no random sleeps before validating, every nonce accepted, no reuse of valid authorizations (each order
    # is validated for real)
    spawn(work, 'pebble', ['pebble', '-config', os.path.join(work, 'pebble.json'),
                           '-dnsserver', '127.0.0.1:%d' % env['dns_port']],
          {'PEBBLE_VA_NOSLEEP': '1', 'PEBBLE_WFE_NONCEREJECT': '0', 'PEBBLE_AUTHZREUSE': '0'})
    wait_port(env['management_port'], 'pebble')
    wait_port(env['pebble_port'], 'pebble')
    context = ssl.create_default_context(cafile=os.path.join(work, 'listener.pem'))
    # pebble makes a new root and intermediate at every start
    for kind in ('root', 'intermediate'):
        url = 'https://127.0.0.1:%d/%ss/0' % (env['management_port'], kind)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=context))
        with opener.open(url, timeout=10) as answer:
            pem = answer.read()
        with open(os.path.join(work, 'pebble-%s.pem' % kind), 'wb') as handle:
            handle.write(pem)
        # the SHA-256 fingerprint as keytool prints it, for verify.yml to compare with keytool -list -v
        digest = hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem.decode('ascii'))).hexdigest().upper()
        with open(os.path.join(work, 'pebble-%s.sha256' % kind), 'w') as handle:
            handle.write(':'.join(digest[i:i + 2] for i in range(0, len(digest), 2)))


def start(work, kid, key, hosts):
    stop(work)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(os.path.join(work, 'webroot'))
    for host in hosts:
        os.makedirs(os.path.join(work, 'hosts', host))
    # free ports, since other runs of this scenario may be going on at the same time
    names = ['pebble_port', 'management_port', 'dns_port', 'challtestsrv_port', 'http_port', 'tls_port']
    sockets = [socket.socket() for dummy in names]
    for sock in sockets:
        sock.bind(('', 0))
    env = dict(zip(names, [sock.getsockname()[1] for sock in sockets]))
    for sock in sockets:
        sock.close()
    with open(os.path.join(work, 'env.json'), 'w') as handle:
        json.dump(env, handle)
    with open(os.path.join(work, 'eab.json'), 'w') as handle:
        json.dump({kid: key}, handle)
    # Debian's pebble ships no listener certificate; the account key is the one the controller hands over
    subprocess.check_call(['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
                           '-days', '2', '-subj', '/CN=pebble-listener',
                           '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
                           '-keyout', os.path.join(work, 'listener.key'), '-out', os.path.join(work, 'listener.pem')],
                          stderr=subprocess.DEVNULL)
    subprocess.check_call(['openssl', 'genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256',
                           '-out', os.path.join(work, 'account.pem')])
    os.chmod(os.path.join(work, 'account.pem'), 0o600)
    # DNS only, and no default address: a name the scenario did not add does not resolve
    spawn(work, 'challtestsrv', ['pebble-challtestsrv', '-defaultIPv4', '', '-defaultIPv6', '',
                                 '-dns01', '127.0.0.1:%d' % env['dns_port'],
                                 '-management', '127.0.0.1:%d' % env['challtestsrv_port'],
                                 '-http01', '', '-https01', '', '-tlsalpn01', ''])
    spawn(work, 'webroot', [sys.executable, '-m', 'http.server', '--bind', NAMES['webroot.test'],
                            '--directory', os.path.join(work, 'webroot'), str(env['http_port'])])
    wait_port(env['challtestsrv_port'], 'challtestsrv')
    for name, address in NAMES.items():
        request = urllib.request.Request('http://127.0.0.1:%d/add-a' % env['challtestsrv_port'], method='POST',
                                         data=json.dumps({'host': name + '.', 'addresses': [address]}).encode())
        OPENER.open(request, timeout=10).close()
    start_pebble(work, env, 10)


def main(argv):
    command, work = argv[0], argv[1]
    if command == 'start':
        start(work, argv[2], argv[3], argv[4:])
    elif command == 'restart-pebble':
        stop_one(os.path.join(work, 'pebble.pid'))
        with open(os.path.join(work, 'env.json')) as handle:
            start_pebble(work, json.load(handle), int(argv[2]))
    elif command == 'stop':
        stop(work)
    else:
        sys.exit('unknown command %s' % command)


if __name__ == '__main__':
    main(sys.argv[1:])
