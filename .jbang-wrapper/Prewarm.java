import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.security.KeyStore;
import java.util.Arrays;
import javax.net.ssl.TrustManagerFactory;

/**
 * The ./jbang wrapper's "prewarm" lever (JBANG_WRAPPER_NO_PREWARM=1 turns it off): it runs in place of
 * a sample's main class, starts loading the JDK's default trust store (the certificates every SDK HTTP
 * client reads when it is built, 40-60 ms) on a second thread, and then runs the sample's own main on
 * this thread, so that the load overlaps picocli reading the sample's options. The JDK keeps the loaded
 * trust store, and the client the sample builds later reuses it. Nothing else is run ahead: the
 * sample's own classes and settings are untouched. Arguments: the sample's main class, then its own.
 */
public final class Prewarm implements Runnable {
    public static void main(String[] args) throws Throwable {
        Thread warm = new Thread(new Prewarm(), "jbang-wrapper-prewarm");   // (a lambda would cost a bootstrap)
        warm.setDaemon(true);   // never keeps the JVM alive
        warm.start();
        Class<?> sample = Class.forName(args[0], false, ClassLoader.getSystemClassLoader());
        MethodHandle main = MethodHandles.publicLookup().findStatic(sample, "main", MethodType.methodType(void.class, String[].class));
        main.invokeExact(Arrays.copyOfRange(args, 1, args.length));   // its exceptions reach the JVM as they are
    }

    /** Loads the default trust store. */
    @Override
    public void run() {
        try {
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm()).init((KeyStore) null);
        } catch (Exception | LinkageError e) {
            // the sample's own HTTP client meets (and reports) the same problem when it loads the store
        }
    }
}
