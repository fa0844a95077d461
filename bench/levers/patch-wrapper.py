"""Applies proposed launcher changes to a COPY of the ./jbang wrapper (used by bench/levers/make-levers.sh).

  python3 patch-wrapper.py PATH/jbang flags         # launcher JVM: -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto
  python3 patch-wrapper.py PATH/jbang flags,cds     # ... plus an AppCDS archive of JBang's own classes
  python3 patch-wrapper.py PATH/jbang cache         # reuse JBang's answer for a catalog alias (no launcher JVM)
  python3 patch-wrapper.py PATH/jbang flags,cds,cache
"""
import sys

path, modes = sys.argv[1], set(sys.argv[2].split(","))
text = open(path).read()
old = '''output=$("$java_exec" ${JBANG_JAVA_OPTIONS:-} -classpath "$lib/*" dev.jbang.Main "$@")
err=$?
'''
assert old in text, "wrapper changed: update bench/levers/patch-wrapper.py"

opts = 'launcher_opts=""\n'
if "flags" in modes:
    opts = '''# The launcher JVM only works out the sample's command line: C1 only and the serial GC start it sooner.
# -Xlog keeps JVM warnings off stdout, which is the command line this script execs.
launcher_opts="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -Xlog:disable -Xlog:all=warning:stderr"
'''
if "cds" in modes:
    opts += '''# An AppCDS archive of JBang's own classes, written by the first run (one per JDK), mapped by later runs.
jvm="$(readlink -f "$(command -v "$java_exec")" 2>/dev/null || echo "$java_exec")"
jsa="$lib/launcher-$( { echo "$jvm"; cat "$(dirname "$jvm")/../release" 2>/dev/null; } | cksum | cut -d' ' -f1).jsa"
if [ -f "$jsa" ]; then launcher_opts="$launcher_opts -XX:SharedArchiveFile=$jsa"
else launcher_opts="$launcher_opts -XX:ArchiveClassesAtExit=$jsa.$$ -Xlog:disable -Xlog:all=error:stderr"; fi
'''

cache = ''
if "cache" in modes:
    cache = r'''# Fast path for catalog aliases: JBang's answer for `./jbang <alias>` (the sample's java command line,
# without the user's arguments) is kept in .jbang/launch/ and reused while the catalog, every .java file,
# the JBang install, the JDK and the JBANG_* settings are unchanged and every classpath entry still
# exists; the JBang launcher JVM then does not start at all. JBANG_WRAPPER_NO_CACHE=1 turns it off.
if [ $# -ge 1 ] && [ -z "${JBANG_WRAPPER_NO_CACHE:-}" ] && [[ "$1" =~ ^[a-z0-9][a-z0-9-]*$ ]] \
   && grep -qF "\"$1\": {" "$here/jbang-catalog.json" 2>/dev/null; then
  key=$(printf '%s\n' "$1" "${JAVA_HOME:-}" "$PATH" "$stamp" "${JBANG_JAVA_OPTIONS:-}" "$(env | grep '^JBANG_' | sort)" \
        | cksum | cut -d' ' -f1)
  launch="$here/.jbang/launch/$1-$key.cmd"
  if [ -f "$launch" ] && [ -z "$(find "$here" \( -name .git -o -name .jbang -o -name node_modules -o -name .jbang-wrapper \) -prune \
        -o \( -name '*.java' -o -name jbang-catalog.json \) -newer "$launch" -print | head -n 1)" ]; then
    cmd=$(cat "$launch")
    eval "words=($cmd)"
    valid=1
    for ((i = 0; i < ${#words[@]}; i++)); do
      if [ "${words[i]}" = "-classpath" ] || [ "${words[i]}" = "-cp" ]; then
        IFS=: read -r -a entries <<< "${words[i+1]}"
        for e in "${entries[@]}"; do [ -e "$e" ] || { valid=0; break; }; done
      fi
    done
    if [ $valid -eq 1 ] && [ -x "${words[0]}" ]; then shift; exec "${words[@]}" "$@"; fi
  fi
  cmd=$("$java_exec" $launcher_opts ${JBANG_JAVA_OPTIONS:-} -classpath "$lib/*" dev.jbang.Main "$1")
  if [ $? -eq 255 ]; then
    [ -n "${jsa:-}" ] && [ -f "$jsa.$$" ] && mv -f "$jsa.$$" "$jsa"
    case "$cmd" in
      *ArchiveClassesAtExit*) ;;   # the sample's first //CDS run: do not cache the dump command
      *) mkdir -p "$here/.jbang/launch" && printf '%s\n' "$cmd" > "$launch.$$" && mv -f "$launch.$$" "$launch" ;;
    esac
    shift
    eval "exec $cmd \"\$@\""
  fi
fi
'''

new = '''output=$("$java_exec" $launcher_opts ${JBANG_JAVA_OPTIONS:-} -classpath "$lib/*" dev.jbang.Main "$@")
err=$?
'''
if "cds" in modes:
    new += '''if [ -f "$jsa.$$" ]; then mv -f "$jsa.$$" "$jsa"; fi
'''
text = text.replace(old, opts + cache + new)
open(path, "w").write(text)
