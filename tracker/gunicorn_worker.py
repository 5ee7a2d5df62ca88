"""gunicorn's gthread worker, closing finished connections off its main loop.

tracker/gunicorn_conf.py names ``tracker.gunicorn_worker.ThreadWorker`` as the worker class.

gunicorn's threaded worker hands each finished connection back to its main loop, which
closes it gracefully (RFC 9112, section 9.6): it sends FIN, then waits up to 2 seconds for
the client to close its side, so that unread request bytes cannot turn the close into a
reset that would cut the end of the response. Most clients close at once. A client that
is still reading, e.g. an export that is done for gunicorn but sits in the socket buffers
while the client takes its time, does not: the main loop waits the 2 seconds, and all
that while the worker accepts no connection and hands no finished request back. Three
slow readers froze a worker for six seconds.

This worker does exactly the same graceful close, on a small pool of threads of its own,
so the main loop moves on at once. Behind nginx, which reads responses at once and closes
its side, the close is quick either way.
"""

from concurrent import futures

from gunicorn.workers import gthread


class ThreadWorker(gthread.ThreadWorker):
    closer: futures.ThreadPoolExecutor

    def init_process(self):
        self.closer = futures.ThreadPoolExecutor(
            max_workers=self.cfg.threads, thread_name_prefix="close"
        )
        super().init_process()  # runs the main loop

    def finish_request(self, conn, fs):
        """As gthread's, but a connection to close is closed on the closer's threads."""
        if not fs.cancelled() and fs.exception() is None and not fs.result():
            self.nr_conns -= 1
            self.closer.submit(conn.close, graceful=True)
            return
        super().finish_request(conn, fs)
