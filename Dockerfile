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
# Two malloc arenas instead of up to 8 per core (scripts/start.js, which `npm start` runs, says why).
ENV MALLOC_ARENA_MAX=2
ENV NODE_ENV=production PORT=3000 MEDIA_DIR=/var/lib/loa-xa/media DATABASE_URL=sqlite:/var/lib/loa-xa/data/loa-xa.sqlite CHECKPOINT_KEY_FILE=/var/lib/loa-xa/keys/checkpoint-key.pem
EXPOSE 3000
# The node options of `npm start` (NODE_FLAGS in scripts/start.js), node itself as the
# container's first process: the young generation at 2 × 2 MB instead of up to 2 × 16 MB.
CMD ["node", "--max-semi-space-size=2", "dist/main.js"]
