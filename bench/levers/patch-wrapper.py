"""Applies the proposed launcher-JVM change to a copy of the ./jbang wrapper (bench/levers/make-levers.sh).

  python3 patch-wrapper.py PATH/jbang flags   # -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto
  python3 patch-wrapper.py PATH/jbang cds     # the same plus an AppCDS archive of JBang's classes
"""
import sys

path, mode = sys.argv[1], sys.argv[2]
text = open(path).read()
old = '''output=$("$java_exec" ${JBANG_JAVA_OPTIONS:-} -classpath "$lib/*" dev.jbang.Main "$@")
err=$?
'''
assert old in text, "wrapper changed: update bench/levers/patch-wrapper.py"

flags = '''# The launcher JVM only works out the sample's command line: C1 only and the serial GC start it faster.
# -Xlog keeps JVM warnings off stdout, which is the command line this script execs.
launcher_opts="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -Xlog:disable -Xlog:all=warning:stderr"
'''
cds = '''# ... and an AppCDS archive of JBang's own classes, written by the first run (one per JDK), mapped by later runs.
jvm="$(readlink -f "$(command -v "$java_exec")" 2>/dev/null || echo "$java_exec")"
jsa="$lib/launcher-$(printf '%s' "$jvm $(stat -c %Y "$jvm" 2>/dev/null)" | cksum | cut -d' ' -f1).jsa"
if [ -f "$jsa" ]; then launcher_opts="$launcher_opts -XX:SharedArchiveFile=$jsa"
else launcher_opts="$launcher_opts -XX:ArchiveClassesAtExit=$jsa.$$ -Xlog:cds*=off:stderr"; fi
'''
new = '''output=$("$java_exec" $launcher_opts ${JBANG_JAVA_OPTIONS:-} -classpath "$lib/*" dev.jbang.Main "$@")
err=$?
'''
if mode == "cds":
    new += '''if [ -f "$jsa.$$" ]; then mv -f "$jsa.$$" "$jsa"; fi
'''
text = text.replace(old, flags + (cds if mode == "cds" else "") + new)
open(path, "w").write(text)
