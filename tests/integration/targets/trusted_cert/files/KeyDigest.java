// Copyright (c) javasec.keystore contributors
// GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
//
// java KeyDigest.java KEYSTORE PASSWORD
// For every key entry prints its alias, creation date, the SHA-256 of the key's encoding and of
// every certificate of its chain: two equal outputs mean the key entries are the same.

import java.io.File;
import java.security.Key;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.util.Collections;

public class KeyDigest {
    static String sha256(byte[] data) throws Exception {
        StringBuilder out = new StringBuilder();
        for (byte b : MessageDigest.getInstance("SHA-256").digest(data)) {
            out.append(String.format("%02x", b));
        }
        return out.toString();
    }

    public static void main(String[] args) throws Exception {
        char[] password = args[1].toCharArray();
        KeyStore store = KeyStore.getInstance(new File(args[0]), password);
        for (String alias : Collections.list(store.aliases())) {
            if (!store.isKeyEntry(alias)) {
                continue;
            }
            Key key = store.getKey(alias, password);
            StringBuilder line = new StringBuilder(alias).append(' ').append(store.getCreationDate(alias).getTime())
                .append(" key=").append(sha256(key.getEncoded()));
            for (Certificate cert : store.getCertificateChain(alias)) {
                line.append(" cert=").append(sha256(cert.getEncoded()));
            }
            System.out.println(line);
        }
    }
}
