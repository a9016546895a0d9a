from datetime import timedelta

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand

from books.generation import books_resume


class Command(BaseCommand):
    help = "Serve the site over ASGI; in embedded mode also run the Celery worker in this process."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, host: str, port: int, **options):
        if settings.EMBEDDED:
            from fabrica.embedded import start_embedded_beat, start_embedded_worker

            worker = start_embedded_worker()
            start_embedded_beat()
            # Nothing else runs on the memory broker, so anything in progress was lost with the last run.
            resumed = [item for item in books_resume(stale_after=timedelta(0)) if item.requeues]
            if resumed:
                self.stdout.write(f"Resumed {len(resumed)} book(s) left in progress by the previous run.")
            self.stdout.write(
                f"Embedded mode: Celery worker with {worker.concurrency} threads in this process."
            )
        self.stdout.write(self.style.SUCCESS(f"Serving http://{host}:{port}/  (Ctrl+C to stop)"))
        uvicorn.run("fabrica.asgi:application", host=host, port=port, log_level="warning", lifespan="off")
