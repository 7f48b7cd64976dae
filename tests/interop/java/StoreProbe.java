// Reads keystores with the JDK's own KeyStore implementations and prints, for every entry,
// what Java sees: type, creation date (milliseconds), certificate chain fingerprints, and a
// proof that the key material works (a signature made with the private key verifies with the
// leaf certificate; the SHA-256 of a secret key's bytes).
//
// Usage: java StoreProbe.java SPEC_FILE
// SPEC_FILE: one store a line, tab-separated: path, store type, store password and optionally
// alias=password pairs separated by tabs for keys protected by their own password.
// Output: tab-separated lines "STORE path count", "ENTRY path alias kind millis chain detail",
// "ERROR path message". The tests parse it.
import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.Key;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.SecretKey;

public class StoreProbe {
    static String hex(byte[] data, boolean colons) {
        StringBuilder sb = new StringBuilder();
        for (byte b : data) {
            if (colons && sb.length() > 0) sb.append(':');
            sb.append(String.format("%02X", b & 0xff));
        }
        return sb.toString();
    }

    static String sha256(byte[] data, boolean colons) throws Exception {
        return hex(MessageDigest.getInstance("SHA-256").digest(data), colons);
    }

    static String signatureAlgorithm(String keyAlgorithm) {
        switch (keyAlgorithm) {
            case "RSA": return "SHA256withRSA";
            case "EC": return "SHA256withECDSA";
            case "DSA": return "SHA256withDSA";
            case "Ed25519": case "Ed448": case "EdDSA": return "EdDSA";  // any EdDSA curve
            default: return null;
        }
    }

    static String oneLine(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (sb.length() > 0) sb.append(" <- ");
            sb.append(c.getClass().getName()).append(": ").append(c.getMessage());
        }
        return sb.toString().replace('\t', ' ').replace('\n', ' ');
    }

    static void probe(String path, String type, char[] storePass, Map<String, char[]> keyPasses) throws Exception {
        KeyStore ks = KeyStore.getInstance(type);
        try (InputStream in = new FileInputStream(path)) {
            ks.load(in, storePass);
        }
        List<String> aliases = Collections.list(ks.aliases());
        Collections.sort(aliases);
        System.out.println("STORE\t" + path + "\t" + aliases.size());
        for (String alias : aliases) {
            try {
                probeEntry(ks, path, alias, storePass, keyPasses);
            } catch (Exception e) {
                System.out.println("ENTRY\t" + path + "\t" + alias + "\terror\t-1\t0\t\t" + oneLine(e));
            }
        }
    }

    static void probeEntry(KeyStore ks, String path, String alias, char[] storePass, Map<String, char[]> keyPasses)
            throws Exception {
        String kind;
        String detail = "";
        Certificate[] chain = null;
        char[] keyPass = keyPasses.getOrDefault(alias, storePass);
        if (ks.isCertificateEntry(alias)) {
            kind = "trusted";
            chain = new Certificate[] {ks.getCertificate(alias)};
        } else if (ks.entryInstanceOf(alias, KeyStore.SecretKeyEntry.class)) {
            kind = "secret";
            Key key = ks.getKey(alias, keyPass);
            detail = key.getAlgorithm() + " " + sha256(key.getEncoded(), false);
        } else if (ks.entryInstanceOf(alias, KeyStore.PrivateKeyEntry.class)) {
            kind = "private";
            chain = ks.getCertificateChain(alias);
            PrivateKey key = (PrivateKey) ks.getKey(alias, keyPass);
            String sigAlg = signatureAlgorithm(key.getAlgorithm());
            String verdict = "nosig";
            if (sigAlg != null) {
                byte[] data = ("javasec " + alias).getBytes(StandardCharsets.UTF_8);
                Signature signer = Signature.getInstance(sigAlg);
                signer.initSign(key);
                signer.update(data);
                byte[] sig = signer.sign();
                Signature verifier = Signature.getInstance(sigAlg);
                verifier.initVerify(chain[0].getPublicKey());
                verifier.update(data);
                verdict = verifier.verify(sig) ? "signature-ok" : "signature-BAD";
            }
            detail = key.getAlgorithm() + " " + verdict;
        } else {
            kind = "unknown";
        }
        StringBuilder fps = new StringBuilder();
        if (chain != null) {
            for (Certificate c : chain) {
                if (fps.length() > 0) fps.append(',');
                fps.append(sha256(c.getEncoded(), true));
            }
        }
        long millis = ks.getCreationDate(alias) == null ? -1 : ks.getCreationDate(alias).getTime();
        System.out.println("ENTRY\t" + path + "\t" + alias + "\t" + kind + "\t" + millis + "\t"
                + (chain == null ? 0 : chain.length) + "\t" + fps + "\t" + detail);
    }

    public static void main(String[] args) throws Exception {
        for (String line : Files.readAllLines(Paths.get(args[0]), StandardCharsets.UTF_8)) {
            if (line.isEmpty()) continue;
            String[] f = line.split("\t");
            Map<String, char[]> keyPasses = new HashMap<>();
            for (int i = 3; i < f.length; i++) {
                int eq = f[i].indexOf('=');
                keyPasses.put(f[i].substring(0, eq), f[i].substring(eq + 1).toCharArray());
            }
            try {
                probe(f[0], f[1], f[2].toCharArray(), keyPasses);
            } catch (Exception e) {
                System.out.println("ERROR\t" + f[0] + "\t" + oneLine(e));
            }
        }
    }
}
