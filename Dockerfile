# One image for the API and the worker; docker-compose.yml picks the entry point.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
COPY packages ./packages
RUN npm ci --no-audit --no-fund && npm cache clean --force
USER node
CMD ["node", "--import", "tsx", "packages/api/src/main.ts"]
