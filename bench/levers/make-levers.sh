#!/usr/bin/env bash
# Makes one copy of the repository per start-up lever under ${LEVER_DIR:-/tmp}, each with exactly one
# change, so that bench/Bench.java can time them side by side in the same interleaved rounds:
#
#   bench/levers/make-levers.sh                 # copies /tmp/lever-{base,cds,jvmflags,...}
#   ./jbang bench/Bench.java --variant base=/tmp/lever-base --variant cds=/tmp/lever-cds ...
#
# The copies are throw-away; nothing in the repository itself is changed.
set -euo pipefail
src="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dir="${LEVER_DIR:-/tmp}"
conv="global-cris/foundation_models/converse/ClaudeHaiku45Converse.java"
stream="global-cris/foundation_models/converse_stream/ClaudeHaiku45ConverseStream.java"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

copy() {   # copy NAME -> prints the path of a fresh copy
  local to="$dir/lever-$1"
  rm -rf "$to"
  mkdir -p "$to"
  (cd "$src" && tar --exclude=./.git --exclude=./bench/node/node_modules --exclude=./tests/js-sdk/node_modules -cf - .) | (cd "$to" && tar -xf -)
  printf '%s' "$to"
}

directive() {   # directive FILE LINE: adds a JBang directive line just before //SOURCES
  sed -i "0,/^\/\/SOURCES/s||$2\n&|" "$1"
}

b=$(copy base)

# 1. AppCDS for the sample JVMs (JBang: -XX:ArchiveClassesAtExit on the first run, then -XX:SharedArchiveFile).
d=$(copy cds); for f in "$conv" "$stream"; do directive "$d/$f" "//CDS"; done

# 2. JIT and GC flags for the sample JVMs.
d=$(copy jvmflags); for f in "$conv" "$stream"; do directive "$d/$f" "//RUNTIME_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC"; done
d=$(copy c1); for f in "$conv" "$stream"; do directive "$d/$f" "//RUNTIME_OPTIONS -XX:TieredStopAtLevel=1"; done
d=$(copy serialgc); for f in "$conv" "$stream"; do directive "$d/$f" "//RUNTIME_OPTIONS -XX:+UseSerialGC"; done

# 3. The JBang launcher JVM started by ./jbang: flags only, then flags + a CDS archive of JBang's classes.
d=$(copy launcher-flags); python3 "$here/patch-wrapper.py" "$d/jbang" flags
d=$(copy launcher-cds); python3 "$here/patch-wrapper.py" "$d/jbang" flags,cds
# ... or no launcher JVM at all once JBang's answer for the alias is cached.
d=$(copy launcher-cache); python3 "$here/patch-wrapper.py" "$d/jbang" cache

# 4. Async HTTP client of the streaming sample: Netty pinned to HTTP/1.1, or the AWS CRT client.
d=$(copy netty-h1)
python3 - "$d/$stream" <<'PY'
import sys; p = sys.argv[1]; s = open(p).read()
s = s.replace("NettyNioAsyncHttpClient.builder().readTimeout(Duration.ofMinutes(5))",
              "NettyNioAsyncHttpClient.builder().readTimeout(Duration.ofMinutes(5)).protocol(Protocol.HTTP1_1)")
s = s.replace("import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;",
              "import software.amazon.awssdk.http.Protocol;\nimport software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;")
open(p, "w").write(s)
PY
d=$(copy fastclose)
python3 - "$d/$stream" <<'PY'
import sys; p = sys.argv[1]; s = open(p).read()
s = s.replace("""        try (BedrockRuntimeAsyncClient client = BedrockRuntimeAsyncClient.builder()
                .region(Region.of(region))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().readTimeout(Duration.ofMinutes(5)))
                .build()) {""", """        // Our own event loops, shut down without Netty's 2-second quiet period when the answer is complete.
        SdkEventLoopGroup eventLoops = SdkEventLoopGroup.builder().build();
        try (BedrockRuntimeAsyncClient client = BedrockRuntimeAsyncClient.builder()
                .region(Region.of(region))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().eventLoopGroup(eventLoops).readTimeout(Duration.ofMinutes(5)))
                .build()) {""")
s = s.replace("""        }
        System.out.println("✅ Completed successfully");""", """        } finally {
            eventLoops.eventLoopGroup().shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        System.out.println("✅ Completed successfully");""")
s = s.replace("import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;",
              "import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;\nimport software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;")
assert "eventLoops.eventLoopGroup()" in s and "SdkEventLoopGroup;" in s
open(p, "w").write(s)
PY
d=$(copy crt)
python3 - "$d/$stream" <<'PY'
import sys; p = sys.argv[1]; s = open(p).read()
s = s.replace("//DEPS software.amazon.awssdk:netty-nio-client", "//DEPS software.amazon.awssdk:aws-crt-client")
s = s.replace("NettyNioAsyncHttpClient.builder().readTimeout(Duration.ofMinutes(5))", "AwsCrtAsyncHttpClient.builder()")
s = s.replace("import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;",
              "import software.amazon.awssdk.http.crt.AwsCrtAsyncHttpClient;")
open(p, "w").write(s)
PY

# 5. Everything that paid, together (edit to taste after a run).
d=$(copy all)
for f in "$conv" "$stream"; do
  directive "$d/$f" "//CDS"
  directive "$d/$f" "//RUNTIME_OPTIONS ${ALL_RUNTIME_OPTIONS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:cds=off}"
done
python3 "$here/patch-wrapper.py" "$d/jbang" flags,cds,cache
cp "$dir/lever-fastclose/$stream" "$d/$stream"
directive "$d/$stream" "//CDS"
directive "$d/$stream" "//RUNTIME_OPTIONS ${ALL_RUNTIME_OPTIONS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:cds=off}"

# 6. The proposal: wrapper (launcher flags + launcher CDS + alias cache), catalog runtime-options and
#    cds for the two aliases, and the streaming sample's quick event-loop shutdown.
d=$(copy proposed)
python3 "$here/patch-wrapper.py" "$d/jbang" flags,cds,cache
cp "$dir/lever-fastclose/$stream" "$d/$stream"
python3 - "$d/jbang-catalog.json" <<'PY'
import json, sys
p = sys.argv[1]
catalog = json.load(open(p))
for name in ("converse-haiku", "converse-stream-haiku"):
    alias = catalog["aliases"][name]
    alias["runtime-options"] = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xlog:cds=off"]
    alias["cds"] = True
json.dump(catalog, open(p, "w"), indent=2, ensure_ascii=False)
PY

ls -d "$dir"/lever-*
