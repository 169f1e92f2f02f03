# One image for web (gunicorn), worker and beat (celery). See docker-compose.yml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 10001 --user-group app

WORKDIR /app

# Runtime dependencies first, read from pyproject.toml, so code changes reuse this layer.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# The project itself, installed in place (editable) so BASE_DIR is /app and templates/ and
# static/ are found next to the code. No dev extras.
COPY . .
RUN pip install --no-deps -e . \
    && DEBUG=false SECRET_KEY=collectstatic-at-build-time-only-not-a-real-secret \
       python manage.py collectstatic --noinput \
    && mkdir -p var/celery/queue var/celery/processed \
    && chown app:app var var/celery var/celery/queue var/celery/processed

USER app

EXPOSE 8000

CMD ["sh", "-c", "exec gunicorn governance.wsgi:application --bind 0.0.0.0:8000 --workers ${WEB_CONCURRENCY:-3} --access-logfile -"]
