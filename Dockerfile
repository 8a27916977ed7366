# The processing image of sagepipe's feature-store ingest step: Node.js 20 and the runtime
# bundle, which has every dependency (the AWS SDK included) built in.
#
# Build it from the repository root after `npm run build`:
#   docker build --platform linux/amd64 -t sagepipe-ingest:0.1.0 .
# docs/deploy.md shows how to push it to Amazon ECR and point a pipeline at it.
#
# NOTE: the base image is selected by tag, not by digest; pin a digest in your registry
# mirror for reproducible builds.
FROM node:20-slim

ENV NODE_ENV=production
WORKDIR /opt/sagepipe

# The pipeline's processing step downloads the bundle of its own compile into
# /opt/ml/processing/input/code and starts that one, so image and pipeline versions cannot
# drift apart. This copy serves runs of the image by hand.
COPY dist/runtime-bundle/ingest.mjs /opt/sagepipe/ingest.mjs

# NOTE: the container keeps the default root user. Whether a non-root user can write the
# job's output folder under /opt/ml/processing was not checked on SageMaker.
ENTRYPOINT ["node", "/opt/sagepipe/ingest.mjs"]
CMD ["--help"]
