# Loa xã service image: Node 20 with Debian's ffmpeg and espeak-ng.
FROM node:20-bookworm-slim
RUN apt-get update \
  && apt-get install -y --no-install-recommends ffmpeg espeak-ng ca-certificates \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev
ENV NODE_ENV=production PORT=3000 MEDIA_DIR=/var/lib/loa-xa/media DATABASE_URL=sqlite:/var/lib/loa-xa/data/loa-xa.sqlite CHECKPOINT_KEY_FILE=/var/lib/loa-xa/keys/checkpoint-key.pem
EXPOSE 3000
# The young generation at 2 × 2 MB instead of up to 2 × 16 MB: 28 MB less resident memory for
# each process, idle or not (BENCHMARKS.md, Memory), for a few more (cheap) young collections.
CMD ["node", "--max-semi-space-size=2", "dist/main.js"]
