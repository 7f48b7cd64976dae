// A JSSE server per keystore the role wrote, each checked by `openssl s_client -verify_return_error`: once with
// pebble's root as the only trusted CA (must verify, host name included) and once with an unrelated CA (must fail).
// Run from source: java AcmeHandshake.java PASSWORD ROOT_PEM FOREIGN_PEM name=keystore ...
// Prints VERIFIED/REJECTED lines and the handshakes each server completed; exits 1 on an unexpected outcome.
import java.io.*;
import java.net.*;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.*;

public class AcmeHandshake {
    static String openssl(int port, String name, String caFile) throws Exception {
        Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-servername", name,
                "-verify_hostname", name, "-verify_return_error", "-CAfile", caFile)
            .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        return rc == 0 && out.contains("Verify return code: 0 (ok)") ? "ok" : "rc=" + rc + " " + out.replace('\n', ' ');
    }

    public static void main(String[] args) throws Exception {
        char[] password = args[0].toCharArray();
        int failures = 0;
        for (int i = 3; i < args.length; i++) {
            String[] host = args[i].split("=");
            KeyStore ks = KeyStore.getInstance(new File(host[1]), password);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            SSLServerSocket listener = (SSLServerSocket) ctx.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
            AtomicInteger handshakes = new AtomicInteger();
            Thread serving = new Thread(() -> {
                while (!listener.isClosed()) {
                    try (SSLSocket conn = (SSLSocket) listener.accept()) {
                        conn.setSoTimeout(10000);
                        conn.startHandshake();
                        handshakes.incrementAndGet();
                    } catch (IOException e) {
                        // a client that refused the certificate ends the handshake: counted by what it is not
                    }
                }
            });
            serving.setDaemon(true);
            serving.start();
            String name = host[2];
            String good = openssl(listener.getLocalPort(), name, args[1]);
            String bad = openssl(listener.getLocalPort(), name, args[2]);
            Thread.sleep(200);
            listener.close();
            if (good.equals("ok")) {
                System.out.println("VERIFIED " + host[0] + " " + name);
            } else {
                System.out.println("UNEXPECTED " + host[0] + " not verified with the pebble root: " + good);
                failures++;
            }
            if (bad.equals("ok")) {
                System.out.println("UNEXPECTED " + host[0] + " verified with a foreign CA");
                failures++;
            } else {
                System.out.println("REJECTED " + host[0] + " with a foreign CA");
            }
            System.out.println("HANDSHAKES " + host[0] + " " + handshakes.get());
        }
        System.exit(failures == 0 ? 0 : 1);
    }
}
