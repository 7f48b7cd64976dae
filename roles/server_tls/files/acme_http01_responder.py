# The temporary http-01 responder of the server_tls role (server_tls_acme_http_mode: standalone).
# The role runs it as `python -c <this file> ADDRESS PORT TIMEOUT STOP_PATH ANSWERS_JSON` in an async task: it
# answers GET /.well-known/acme-challenge/<token> with the key authorization and 404 to anything else, and stops
# when STOP_PATH is requested (the role's always: step) or after TIMEOUT seconds, so that a play that dies
# half-way never leaves a listener behind on port 80. Standard library only: it runs on the managed node.
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from socketserver import ThreadingMixIn

PREFIX = '/.well-known/acme-challenge/'


class Server(ThreadingMixIn, HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def handler_for(answers, stop_path, stop):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the name http.server calls)
            path = self.path.split('?', 1)[0]
            if path == stop_path:
                self.reply(200, b'stopping\n')
                stop()
                return
            token = path[len(PREFIX):] if path.startswith(PREFIX) else None
            if token in answers:
                self.reply(200, answers[token].encode('ascii'))
            else:
                self.reply(404, b'not found\n')

        def reply(self, status, body):
            self.send_response(status)
            self.send_header('Content-Type', 'text/plain')
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):  # pylint: disable=redefined-builtin
            sys.stderr.write('%s %s\n' % (self.address_string(), format % args))

    return Handler


def main(argv):
    address, port, timeout, stop_path = argv[0], int(argv[1]), float(argv[2]), argv[3]
    answers = json.loads(argv[4])
    holder = []

    def stop():
        # shutdown() waits for serve_forever() to return: never call it from the thread that serves
        threading.Thread(target=holder[0].shutdown).start()

    server = Server((address, port), handler_for(answers, stop_path, stop))
    holder.append(server)
    timer = threading.Timer(timeout, stop)
    timer.daemon = True
    timer.start()
    server.serve_forever(poll_interval=0.2)
    server.server_close()
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
