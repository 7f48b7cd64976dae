// A JSSE server on 127.0.0.1 using the demo keystore, and a client that trusts only the demo truststore.
// Run from source: java TlsDemo.java KEYSTORE TRUSTSTORE PASSWORD
import java.io.*;
import java.net.*;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.*;

public class TlsDemo {
    static SSLContext context(String keystore, String truststore, char[] password) throws Exception {
        KeyManager[] kms = null;
        TrustManager[] tms = null;
        if (keystore != null) {
            KeyStore ks = KeyStore.getInstance(new File(keystore), password);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            kms = kmf.getKeyManagers();
        }
        if (truststore != null) {
            KeyStore ts = KeyStore.getInstance(new File(truststore), password);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ts);
            tms = tmf.getTrustManagers();
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kms, tms, null);
        return ctx;
    }

    static String get(SSLContext client, int port) throws Exception {
        SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("localhost", port);
        SSLParameters params = socket.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");  // verify the host name against the SANs
        socket.setSSLParameters(params);
        socket.setSoTimeout(10000);
        socket.startHandshake();
        SSLSession session = socket.getSession();
        X509Certificate leaf = (X509Certificate) session.getPeerCertificates()[0];
        OutputStream out = socket.getOutputStream();
        out.write("GET / HTTP/1.0\r\nHost: localhost\r\n\r\n".getBytes("US-ASCII"));
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), "US-ASCII"));
        String status = in.readLine();
        socket.close();
        return session.getProtocol() + " " + session.getCipherSuite() + ", server certificate " +
               leaf.getSubjectX500Principal() + " issued by " + leaf.getIssuerX500Principal() +
               ", chain of " + session.getPeerCertificates().length + ", response: " + status;
    }

    public static void main(String[] args) throws Exception {
        char[] password = args[2].toCharArray();
        SSLServerSocket server = (SSLServerSocket) context(args[0], null, password).getServerSocketFactory()
            .createServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        int port = server.getLocalPort();
        Thread serving = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    s.setSoTimeout(10000);
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), "US-ASCII"));
                    String line;
                    while ((line = in.readLine()) != null && !line.isEmpty()) { }
                    s.getOutputStream().write("HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nok\n".getBytes("US-ASCII"));
                } catch (IOException e) {
                    // a client that rejects our certificate ends the handshake; keep serving
                }
            }
        });
        serving.setDaemon(true);
        serving.start();
        System.out.println("JSSE HTTPS server listening on https://127.0.0.1:" + port + " with " + args[0]);

        String ok = get(context(null, args[1], password), port);
        System.out.println("VERIFIED handshake, client trusting only " + args[1] + ": " + ok);

        try {
            get(context(null, null, password), port);  // the JDK's default cacerts does not know our CA
            System.out.println("UNEXPECTED: a client with the JDK's default trust accepted the server");
            System.exit(1);
        } catch (SSLHandshakeException expected) {
            System.out.println("REJECTED as expected, client with the JDK's default trust: " + expected.getMessage());
        }
        server.close();
    }
}
