// TLS handshake over loopback with keystores written by the collection: proves that JSSE
// accepts them as they are used in production (KeyManagerFactory / TrustManagerFactory).
//
// Usage: java JsseCheck.java LABEL KEYSTORE TYPE PASSWORD TRUSTSTORE TYPE PASSWORD [LABEL ...]
// For each group of seven arguments one server (in a thread) and one client handshake on
// 127.0.0.1 with an ephemeral port; the client verifies the chain against the truststore and
// the host name (127.0.0.1 must be in the server certificate's subjectAltName).
// Prints "RESULT<TAB>label<TAB>OK<TAB>protocol<TAB>cipher suite<TAB>chain length<TAB>subject"
// or "RESULT<TAB>label<TAB>FAIL<TAB>exception chain".
import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

public class JsseCheck {
    static final int TIMEOUT_MS = 20000;

    static KeyStore load(String path, String type, char[] password) throws Exception {
        KeyStore ks = KeyStore.getInstance(type);
        try (InputStream in = new FileInputStream(path)) {
            ks.load(in, password);
        }
        return ks;
    }

    static String oneLine(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (sb.length() > 0) sb.append(" <- ");
            sb.append(c.getClass().getName()).append(": ").append(c.getMessage());
        }
        return sb.toString().replace('\t', ' ').replace('\n', ' ');
    }

    static String handshake(String ksPath, String ksType, String ksPass,
                            String tsPath, String tsType, String tsPass) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(ksPath, ksType, ksPass.toCharArray()), ksPass.toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(tsPath, tsType, tsPass.toCharArray()));
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(kmf.getKeyManagers(), null, null);
        SSLContext clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, tmf.getTrustManagers(), null);

        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (SSLServerSocket server = (SSLServerSocket) serverContext.getServerSocketFactory()
                .createServerSocket(0, 1, loopback)) {
            server.setSoTimeout(TIMEOUT_MS);
            Future<String> served = executor.submit(() -> {
                try (SSLSocket peer = (SSLSocket) server.accept()) {
                    peer.setSoTimeout(TIMEOUT_MS);
                    BufferedReader in = new BufferedReader(
                            new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8));
                    PrintWriter out = new PrintWriter(
                            new OutputStreamWriter(peer.getOutputStream(), StandardCharsets.UTF_8), true);
                    String line = in.readLine();
                    out.println("pong " + line);
                    return line;
                }
            });
            String summary;
            try (SSLSocket client = (SSLSocket) clientContext.getSocketFactory()
                    .createSocket(loopback, server.getLocalPort())) {
                client.setSoTimeout(TIMEOUT_MS);
                SSLParameters params = client.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                client.setSSLParameters(params);
                client.startHandshake();
                PrintWriter out = new PrintWriter(
                        new OutputStreamWriter(client.getOutputStream(), StandardCharsets.UTF_8), true);
                BufferedReader in = new BufferedReader(
                        new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
                out.println("ping");
                String reply = in.readLine();
                if (!"pong ping".equals(reply)) {
                    throw new IllegalStateException("unexpected reply " + reply);
                }
                SSLSession session = client.getSession();
                Certificate[] chain = session.getPeerCertificates();
                summary = session.getProtocol() + "\t" + session.getCipherSuite() + "\t" + chain.length + "\t"
                        + ((X509Certificate) chain[0]).getSubjectX500Principal().getName();
            }
            // Only after the client closed: the server's close waits for the client's close_notify.
            if (!"ping".equals(served.get(TIMEOUT_MS, TimeUnit.MILLISECONDS))) {
                throw new IllegalStateException("server did not see the request");
            }
            return summary;
        } finally {
            executor.shutdownNow();
        }
    }

    public static void main(String[] args) {
        for (int i = 0; i + 6 < args.length; i += 7) {
            String label = args[i];
            try {
                String summary = handshake(args[i + 1], args[i + 2], args[i + 3], args[i + 4], args[i + 5],
                                           args[i + 6]);
                System.out.println("RESULT\t" + label + "\tOK\t" + summary);
            } catch (Exception e) {
                System.out.println("RESULT\t" + label + "\tFAIL\t" + oneLine(e));
            }
        }
    }
}
