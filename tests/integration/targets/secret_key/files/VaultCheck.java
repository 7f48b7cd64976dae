// What a WSO2 product does with what javasec.keystore writes, with the JDK's own classes only.
//
//   java VaultCheck.java keys STORE TYPE PASSWORD
//     KeyStore.getKey of every secret key entry: "alias<TAB>algorithm<TAB>bits<TAB>sha256(key)".
//   java VaultCheck.java decrypt STORE TYPE PASSWORD ALIAS MODE TRANSFORMATION TOML NAME...
//     each named value of the [secrets] table decrypted as wso2/carbon-secvault's FileBaseSecretRepository and
//     BaseCipher do (Cipher.getInstance(transformation), the private key or the secret key of ALIAS, base64
//     input; for AES/GCM/NoPadding the base64 JSON {"cipherText","iv"} and a 128-bit tag):
//     "alias<TAB>sha256(plaintext)" (the plaintext itself is never printed).
//   java VaultCheck.java encrypt STORE TYPE PASSWORD ALIAS MODE TRANSFORMATION NAME=PLAINTEXT...
//     "[secrets]" lines encrypted as wso2/cipher-tool's CipherTool -Dconfigure writes them.
import java.io.FileInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.Key;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collections;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

public class VaultCheck {
    static String sha256(byte[] data) throws Exception {
        StringBuilder h = new StringBuilder();
        for (byte b : MessageDigest.getInstance("SHA-256").digest(data)) h.append(String.format("%02x", b));
        return h.toString();
    }

    static String jsonString(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
        if (!m.find()) throw new IllegalArgumentException("no " + name + " in the JSON holder");
        String raw = m.group(1);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\\' && raw.charAt(i + 1) == 'u') {
                out.append((char) Integer.parseInt(raw.substring(i + 2, i + 6), 16));
                i += 5;
            } else if (c == '\\') {
                out.append(raw.charAt(++i));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    public static void main(String[] a) throws Exception {
        KeyStore ks = KeyStore.getInstance(a[2]);
        try (FileInputStream in = new FileInputStream(a[1])) { ks.load(in, a[3].toCharArray()); }
        if (a[0].equals("keys")) {
            for (String alias : Collections.list(ks.aliases())) {
                if (!ks.entryInstanceOf(alias, KeyStore.SecretKeyEntry.class)) continue;
                Key k = ks.getKey(alias, a[3].toCharArray());
                System.out.println(alias + "\t" + k.getAlgorithm() + "\t" + k.getEncoded().length * 8 + "\t" + sha256(k.getEncoded()));
            }
            return;
        }
        String alias = a[4];
        boolean symmetric = a[5].equals("symmetric");
        String transformation = a[6];
        Cipher cipher = Cipher.getInstance(transformation);
        if (a[0].equals("encrypt")) {
            System.out.println("[secrets]");
            for (int i = 7; i < a.length; i++) {
                String name = a[i].substring(0, a[i].indexOf('='));
                byte[] plain = a[i].substring(name.length() + 1).getBytes(StandardCharsets.UTF_8);
                String value;
                if (symmetric) {
                    byte[] iv = new byte[128];
                    new SecureRandom().nextBytes(iv);
                    cipher.init(Cipher.ENCRYPT_MODE, ks.getKey(alias, a[3].toCharArray()), new GCMParameterSpec(128, iv));
                    String json = "{\"cipherText\":\"" + Base64.getEncoder().encodeToString(cipher.doFinal(plain))
                        + "\",\"iv\":\"" + Base64.getEncoder().encodeToString(iv) + "\"}";
                    value = Base64.getEncoder().encodeToString(json.replace("=", "\\u003d").getBytes(StandardCharsets.UTF_8));
                } else {
                    cipher.init(Cipher.ENCRYPT_MODE, ks.getCertificate(alias));
                    value = Base64.getEncoder().encodeToString(cipher.doFinal(plain));
                }
                System.out.println(name + " = \"" + value + "\"");
            }
            return;
        }
        Key key = ks.getKey(alias, a[3].toCharArray());
        boolean inSecrets = false;
        for (String line : Files.readAllLines(Paths.get(a[7]), StandardCharsets.UTF_8)) {
            String t = line.trim();
            if (t.startsWith("[")) { inSecrets = t.equals("[secrets]"); continue; }
            if (!inSecrets || t.isEmpty() || t.startsWith("#")) continue;
            String name = t.substring(0, t.indexOf('=')).trim().replace("\"", "");
            if (!java.util.Arrays.asList(a).subList(8, a.length).contains(name)) continue;
            String value = t.substring(t.indexOf('=') + 1).trim();
            value = value.substring(1, value.length() - 1);
            byte[] plain;
            if (symmetric) {
                String json = new String(Base64.getMimeDecoder().decode(value), StandardCharsets.UTF_8);
                byte[] iv = Base64.getMimeDecoder().decode(jsonString(json, "iv"));
                cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, iv));
                plain = cipher.doFinal(Base64.getMimeDecoder().decode(jsonString(json, "cipherText")));
            } else {
                cipher.init(Cipher.DECRYPT_MODE, key);
                plain = cipher.doFinal(Base64.getMimeDecoder().decode(value));
            }
            System.out.println(name + "\t" + sha256(plain));
        }
    }
}
