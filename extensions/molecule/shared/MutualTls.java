// Mutual TLS between every pair of hosts, with JSSE, from the stores the roles produced.
// Run from source: java MutualTls.java PASSWORD FOREIGN_KEYSTORE FOREIGN_PASSWORD name=keystore=truststore ...
// For every host as server (client authentication required) it expects every other host's client
// (its keystore + truststore) to be accepted, and a client whose certificate comes from a foreign CA to be
// rejected. Prints one line per handshake; exits 1 on any unexpected outcome.
import java.io.*;
import java.net.*;
import java.security.KeyStore;
import javax.net.ssl.*;

public class MutualTls {
    static SSLContext context(String keystore, String truststore, char[] password) throws Exception {
        KeyStore ks = KeyStore.getInstance(new File(keystore), password);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        TrustManager[] tms = null;
        if (truststore != null) {
            KeyStore ts = KeyStore.getInstance(new File(truststore), password);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ts);
            tms = tmf.getTrustManagers();
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tms, null);
        return ctx;
    }

    static String handshake(SSLContext client, int port) {
        try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("localhost", port)) {
            SSLParameters params = socket.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(params);
            socket.setSoTimeout(10000);
            socket.startHandshake();
            // TLS 1.3 reports a rejected client certificate on the first read, not in the handshake.
            socket.getOutputStream().write('x');
            socket.getOutputStream().flush();
            int answer = socket.getInputStream().read();
            return answer == 'y' ? null : "no answer";
        } catch (Exception e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    public static void main(String[] args) throws Exception {
        char[] password = args[0].toCharArray();
        SSLContext foreign = context(args[1], null, args[2].toCharArray());
        int failures = 0;
        for (int s = 3; s < args.length; s++) {
            String[] server = args[s].split("=");
            SSLServerSocket listener = (SSLServerSocket) context(server[1], server[2], password)
                .getServerSocketFactory().createServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
            listener.setNeedClientAuth(true);
            Thread serving = new Thread(() -> {
                while (!listener.isClosed()) {
                    try (Socket conn = listener.accept()) {
                        conn.setSoTimeout(10000);
                        if (conn.getInputStream().read() == 'x') {
                            conn.getOutputStream().write('y');
                        }
                    } catch (IOException e) {
                        // a rejected client: keep serving
                    }
                }
            });
            serving.setDaemon(true);
            serving.start();
            for (int c = 3; c < args.length; c++) {
                if (c == s) continue;
                String[] client = args[c].split("=");
                String error = handshake(context(client[1], client[2], password), listener.getLocalPort());
                System.out.println((error == null ? "ACCEPTED " : "UNEXPECTED-REJECT ") + client[0] + " -> " + server[0]
                                   + (error == null ? "" : " (" + error + ")"));
                if (error != null) failures++;
            }
            String error = handshake(foreign, listener.getLocalPort());
            System.out.println((error != null ? "REJECTED " : "UNEXPECTED-ACCEPT ") + "foreign-ca-client -> " + server[0]
                               + (error != null ? " (" + error + ")" : ""));
            if (error == null) failures++;
            listener.close();
        }
        System.exit(failures == 0 ? 0 : 1);
    }
}
