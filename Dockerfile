# Production image: gunicorn serves Django, whitenoise serves static files.
FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_DEBUG=false
WORKDIR /app
COPY pyproject.toml README.md ./
COPY civic civic
COPY initiatives initiatives
COPY volunteering volunteering
COPY crowdfunding crowdfunding
COPY participation participation
COPY events events
RUN pip install --no-cache-dir .
COPY . .
# collectstatic needs settings to load; give it throw-away values (nothing connects or signs at
# build time, and the random key is never stored in the image: the container reads the real one).
RUN export DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    DJANGO_ALLOWED_HOSTS=build.invalid \
    DATABASE_URL=postgres://x@localhost/x REDIS_URL=redis://localhost:6379/0 && \
    python manage.py i18n_compile && python manage.py collectstatic --noinput
RUN useradd --system civic && mkdir -p /app/var/media && chown -R civic /app/var
USER civic
EXPOSE 8000
CMD ["gunicorn", "civic.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
