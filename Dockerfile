# The production image: the ASGI web server by default; the same image runs the Celery worker,
# beat and the one-shot release (see docker-compose.yml). Non-root, no compilers, no curl.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DEBUG=0 \
    MEDIA_ROOT=/data/media \
    STATIC_ROOT=/app/staticfiles \
    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus \
    PORT=8000

WORKDIR /app
RUN groupadd --system --gid 1000 fabrica \
 && useradd --system --uid 1000 --gid fabrica --home-dir /app --shell /usr/sbin/nologin fabrica

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY --chown=fabrica:fabrica . .
# Static files and translations are built into the image; the throwaway key and the console-email
# opt-in only let the settings load (DEBUG=0 refuses to start without a long SECRET_KEY and a
# real EMAIL_BACKEND); the running containers get neither.
RUN export SECRET_KEY=build-only-not-a-secret-0000000000000000 ALLOW_CONSOLE_EMAIL=1 \
 && python manage.py collectstatic --noinput -v 0 \
 && python manage.py compile_translations \
 && mkdir -p /data/media "$PROMETHEUS_MULTIPROC_DIR" \
 && chown -R fabrica:fabrica /data "$PROMETHEUS_MULTIPROC_DIR" /app/locale

USER fabrica
EXPOSE 8000
VOLUME ["/data/media"]

# Ready = database, cache, broker and storage reachable (a web container only; compose turns it
# off for the worker and beat, which serve no HTTP).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD python -c "import os, sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:%s/readyz' % os.environ.get('PORT', '8000'), timeout=4).status == 200 else 1)"

CMD ["sh", "-c", "exec uvicorn fabrica.asgi:application --host 0.0.0.0 --port \"$PORT\" --workers \"${WEB_CONCURRENCY:-2}\" --proxy-headers --forwarded-allow-ips \"${FORWARDED_ALLOW_IPS:-127.0.0.1}\" --no-access-log --timeout-graceful-shutdown 20"]
