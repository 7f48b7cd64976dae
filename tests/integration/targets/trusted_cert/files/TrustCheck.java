// Copyright (c) javasec.keystore contributors
// GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
//
// java TrustCheck.java TRUSTSTORE PASSWORD HOST:PORT...
// A JSSE client that trusts only TRUSTSTORE (JKS or PKCS12, type detected from the content) and
// verifies host names. For each server prints "HOST:PORT TRUSTED <subject>" or
// "HOST:PORT REJECTED <reason>".

import java.io.File;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

public class TrustCheck {
    public static void main(String[] args) throws Exception {
        KeyStore trustStore = KeyStore.getInstance(new File(args[0]), args[1].toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trustStore);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        for (int i = 2; i < args.length; i++) {
            String host = args[i].substring(0, args[i].lastIndexOf(':'));
            int port = Integer.parseInt(args[i].substring(args[i].lastIndexOf(':') + 1));
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(host, port)) {
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(parameters);
                socket.startHandshake();
                X509Certificate peer = (X509Certificate) socket.getSession().getPeerCertificates()[0];
                System.out.println(args[i] + " TRUSTED " + peer.getSubjectX500Principal().getName());
            } catch (SSLHandshakeException e) {
                System.out.println(args[i] + " REJECTED " + e.getMessage());
            }
        }
    }
}
