"""The guide's live-video server, for Nagare's benchmarks (scripts/bench video).

The generator below is the guide's own (OpenCV capture -> cv2.imencode -> multipart/x-mixed-replace,
one generator per viewer), with two changes forced by the benchmark: it reads a video file instead
of camera 0 (a file has no fixed rate, so it is paced to 30 fps, as camera.read() is by the camera)
and loops at the end. JPEG quality 80 matches Nagare's default. Served like app.run() does
(Werkzeug, threaded). Usage: python3 video.py FILE [port]; prints BENCH_PORT=<port>.
"""
import sys
import time

import cv2
from flask import Flask, Response
from werkzeug.serving import make_server

VIDEO = sys.argv[1]
PORT = int(sys.argv[2]) if len(sys.argv) > 2 else 0
FPS = 30

app = Flask(__name__)


def generate():
    cap = cv2.VideoCapture(VIDEO)
    period = 1.0 / FPS
    next_frame = time.monotonic()
    while True:
        success, frame = cap.read()
        if not success:
            cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
            continue
        ret, buffer = cv2.imencode('.jpg', frame, [cv2.IMWRITE_JPEG_QUALITY, 80])
        frame = buffer.tobytes()
        yield (b'--frame\r\n'
               b'Content-Type: image/jpeg\r\n\r\n' + frame + b'\r\n')
        next_frame += period
        delay = next_frame - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        else:
            next_frame = time.monotonic()


@app.route('/video_feed')
def video_feed():
    return Response(generate(), mimetype='multipart/x-mixed-replace; boundary=frame')


if __name__ == '__main__':
    server = make_server('127.0.0.1', PORT, app, threaded=True)
    print(f"BENCH_PORT={server.server_port}", flush=True)
    server.serve_forever()
