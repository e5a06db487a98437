"""The guide's own stack, for Nagare's benchmarks (scripts/bench broadcast): Flask-SocketIO from
Debian's python3-flask-socketio with eventlet, the handlers written in the guide's style.

Namespace /bench has the same handlers as dev.nagare.bench.NagareBenchServer and bench/node/server.mjs:
every socket joins room "bench" unless its CONNECT auth is {"role": "publisher"}; a "publish" event is
emitted as "tick" to the room. The default namespace has the guide's chat handler verbatim.
Usage: python3 server.py [port]; prints BENCH_PORT=<port>.
"""
import eventlet

eventlet.monkey_patch()

import sys  # noqa: E402

import eventlet.wsgi  # noqa: E402
from flask import Flask  # noqa: E402
from flask_socketio import SocketIO, emit, join_room, send  # noqa: E402

PORT = int(sys.argv[1]) if len(sys.argv) > 1 else 0

app = Flask(__name__)
socketio = SocketIO(app, async_mode='eventlet', max_http_buffer_size=1_000_000)


@socketio.on('message')
def handle_message(msg):
    send(msg, broadcast=True)


@socketio.on('connect', namespace='/bench')
def connect(auth=None):
    if not (isinstance(auth, dict) and auth.get('role') == 'publisher'):
        join_room('bench')


@socketio.on('rpc', namespace='/bench')
def rpc(payload):
    return payload  # Flask-SocketIO sends a handler's return value as the ack


@socketio.on('publish', namespace='/bench')
def publish(payload):
    emit('tick', payload, to='bench')


if __name__ == '__main__':
    listener = eventlet.listen(('127.0.0.1', PORT))
    print(f"BENCH_PORT={listener.getsockname()[1]}", flush=True)
    eventlet.wsgi.server(listener, app, log_output=False, max_size=200_000)
