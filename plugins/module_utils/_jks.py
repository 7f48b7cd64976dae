# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""JKS and JCEKS reader, JKS writer: the formats of Java's JavaKeyStore and JceKeyStore.

PRIVATE: this is not a public API of the collection and may change at any time.

Layout (all integers big-endian):
  magic (FEEDFEED = JKS, CECECECE = JCEKS), version (1 or 2), entry count, entries,
  SHA-1(store password as UTF-16BE + "Mighty Aphrodite" + everything before the digest).
  entry: tag (1 private key, 2 trusted certificate, 3 secret key - JCEKS only), alias (modified
  UTF-8), creation time (ms since the epoch), then
    1: protected key (length + EncryptedPrivateKeyInfo DER), chain length, certificates
    2: one certificate
    3: a Java-serialized javax.crypto.SealedObject
  certificate: type (version 2 only; "X.509") + length + DER.

Keys are protected by Sun's KeyProtector (JKS; a SHA-1 keystream) or by PBEWithMD5AndTripleDES
(JCEKS, which also reads KeyProtector keys). Only the JKS writer exists: Java deprecated JCEKS, and
the engine converts JCEKS stores to JKS or PKCS#12.

Every length and count is checked against the bytes that are left, so malformed input ends in
JksFormatError, never in struct.error, IndexError, a huge allocation or a long loop.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import collections
import hashlib
import hmac
import os
import struct

from ansible_collections.javasec.keystore.plugins.module_utils import _crypto_support as support
from ansible_collections.javasec.keystore.plugins.module_utils import _der as der

try:
    from cryptography.hazmat.primitives import padding as sym_padding
    from cryptography.hazmat.primitives.ciphers import Cipher, modes
except ImportError:
    pass  # _crypto_support.dependency_problem() reports it, once, for every module

TripleDES = support.TripleDES


class JksError(Exception):
    """Base for errors of this codec; the engine maps them onto its own hierarchy."""


class JksFormatError(JksError):
    """Truncated or malformed bytes, or something ambiguous we refuse to guess about (two aliases that
    differ only in case: Java would keep the last one silently)."""


class JksPasswordError(JksError):
    """The store password does not match the integrity digest."""


class JksKeyPasswordError(JksError):
    """The key password given for an alias does not open its key."""

    def __init__(self, alias):
        super(JksKeyPasswordError, self).__init__('key password for alias "%s" was incorrect' % alias)
        self.alias = alias


class JksUnsupportedError(JksError):
    pass


JKS_MAGIC = b'\xfe\xed\xfe\xed'
JCEKS_MAGIC = b'\xce\xce\xce\xce'
STORE_TYPES = {JKS_MAGIC: 'jks', JCEKS_MAGIC: 'jceks'}
TAG_PRIVATE_KEY, TAG_TRUSTED_CERT, TAG_SECRET_KEY = 1, 2, 3
DIGEST_WHITENING = b'Mighty Aphrodite'
OID_KEY_PROTECTOR = '1.3.6.1.4.1.42.2.17.1.1'  # sun.security.provider.KeyProtector (JKS)
OID_PBE_MD5_3DES = '1.3.6.1.4.1.42.2.19.1'  # com.sun.crypto.provider.KeyProtector (JCEKS)
PBE_MD5_3DES = 'PBEWithMD5AndTripleDES'
# com.sun.crypto.provider.KeyProtector refuses larger counts; a bound also keeps a crafted file from
# keeping us busy for minutes.
MAX_PBE_ITERATIONS = 5000000
_MAX_JAVA_DEPTH = 16

# The codec's view of a store: entries in file order.
JavaKeyStore = collections.namedtuple('JavaKeyStore', 'store_type version entries')
# key: the plain PKCS#8 key, or None while it stays protected (password unknown or algorithm not supported).
PrivateKeyEntry = collections.namedtuple('PrivateKeyEntry', 'alias timestamp protected chain key')
TrustedCertEntry = collections.namedtuple('TrustedCertEntry', 'alias timestamp cert')
# sealed: the serialized SealedObject as read (kept verbatim); algorithm/key: None while sealed.
SecretKeyEntry = collections.namedtuple('SecretKeyEntry', 'alias timestamp sealed algorithm key')


# ---- modified UTF-8 (DataOutputStream.writeUTF) -------------------------------------------


def java_utf(text):
    """Java's DataOutputStream.writeUTF ("modified UTF-8"): UTF-16 code units of 1-3 bytes each, NUL as C0 80."""
    raw = bytearray()
    for (unit,) in struct.iter_unpack('>H', text.encode('utf-16-be', 'surrogatepass')):
        if 0 < unit < 0x80:
            raw.append(unit)
        elif unit < 0x800:
            raw += bytes((0xC0 | unit >> 6, 0x80 | unit & 0x3F))
        else:
            raw += bytes((0xE0 | unit >> 12, 0x80 | unit >> 6 & 0x3F, 0x80 | unit & 0x3F))
    if len(raw) > 0xFFFF:
        # writeUTF's length prefix is two bytes; Java throws UTFDataFormatException here
        raise JksUnsupportedError('an alias of %d bytes in modified UTF-8 is too long for JKS (65535 at most)' % len(raw))
    return struct.pack('>H', len(raw)) + bytes(raw)


def java_utf_decode(raw):
    """Inverse of java_utf (DataInputStream.readUTF); surrogate pairs become one character."""
    text = raw.replace(b'\xc0\x80', b'\x00').decode('utf-8', 'surrogatepass')
    return text.encode('utf-16-be', 'surrogatepass').decode('utf-16-be')


# ---- a bounded reader ---------------------------------------------------------------------


class _Reader(object):
    __slots__ = ('data', 'pos', 'end')

    def __init__(self, data, pos=0):
        self.data = data
        self.pos = pos
        self.end = len(data)

    def left(self):
        return self.end - self.pos

    def take(self, size, what):
        end = self.pos + size
        if size < 0 or end > self.end:
            raise JksFormatError('truncated %s' % what)
        chunk = self.data[self.pos:end]
        self.pos = end
        return chunk

    def u8(self, what):
        if self.pos >= self.end:
            raise JksFormatError('truncated %s' % what)
        self.pos += 1
        return self.data[self.pos - 1]

    def u16(self, what):
        return struct.unpack('>H', self.take(2, what))[0]

    def u32(self, what):
        return struct.unpack('>I', self.take(4, what))[0]

    def u64(self, what):
        return struct.unpack('>Q', self.take(8, what))[0]

    def count(self, what, min_size):
        """A 32-bit count of items of at least min_size bytes each; bounded by the bytes that are left."""
        value = self.u32(what)
        if value * min_size > self.left():
            raise JksFormatError('%s %d exceeds the remaining data' % (what, value))
        return value

    def utf(self, what):
        raw = self.take(self.u16(what), what)
        try:
            return java_utf_decode(raw)
        except UnicodeError:
            raise JksFormatError('%s is not modified UTF-8' % what)

    def blob(self, what):
        return self.take(self.u32(what), what)


# ---- reading ------------------------------------------------------------------------------


def _read_cert(reader, version):
    if version == 2:
        cert_type = reader.utf('certificate type')
        if cert_type != 'X.509':
            raise JksUnsupportedError('certificate type %s is not supported' % cert_type[:40])
    return reader.blob('certificate')


def _parse(data):
    magic = bytes(data[:4])
    store_type = STORE_TYPES.get(magic)
    if store_type is None:
        raise JksFormatError('not a JKS or JCEKS keystore')
    reader = _Reader(data, 4)
    version = reader.u32('version')
    if version not in (1, 2):
        raise JksFormatError('unknown %s version %d' % (store_type.upper(), version))
    # the smallest entry: tag, empty alias, timestamp, empty certificate
    count = reader.count('entry count', 4 + 2 + 8 + 4)
    entries, seen = [], set()
    for dummy in range(count):
        tag = reader.u32('entry tag')
        alias = reader.utf('alias')
        timestamp = reader.u64('creation time')
        if tag == TAG_PRIVATE_KEY:
            protected = reader.blob('protected key')
            chain = [_read_cert(reader, version) for dummy in range(reader.count('chain length', 4))]
            entry = PrivateKeyEntry(alias, timestamp, protected, chain, None)
        elif tag == TAG_TRUSTED_CERT:
            entry = TrustedCertEntry(alias, timestamp, _read_cert(reader, version))
        elif tag == TAG_SECRET_KEY and store_type == 'jceks':
            start = reader.pos
            _read_sealed_object(reader)
            entry = SecretKeyEntry(alias, timestamp, bytes(data[start:reader.pos]), None, None)
        else:
            raise JksFormatError('unknown entry tag %d' % tag)
        # Java folds aliases to lower case; two entries that differ only in case cannot both be kept
        if alias.lower() in seen:
            raise JksFormatError('duplicate alias "%s"' % alias)
        seen.add(alias.lower())
        entries.append(entry)
    return store_type, version, entries, reader


def _check_integrity(data, body_end, password):
    digest = bytes(data[body_end:body_end + 20])
    if len(digest) != 20:
        raise JksFormatError('truncated integrity digest')
    # Java checks the digest and ignores anything after it, so do we
    expected = hashlib.sha1(password.encode('utf-16-be', 'surrogatepass') + DIGEST_WHITENING
                            + bytes(data[:body_end])).digest()
    if not hmac.compare_digest(expected, digest):
        raise JksPasswordError('keystore password was incorrect (integrity check failed)')


def loads(data, password, key_passwords=None):
    """Parse a JKS or JCEKS store and open its keys.

    password None skips the integrity check, as Java does, and leaves the keys protected.
    key_passwords maps lowercase aliases to own key passwords; a key without one is tried with the
    store password and stays protected (key None) when that does not open it, or when its protection
    is of another algorithm or malformed. For a key whose own password was given, these raise
    (JksKeyPasswordError for a wrong password): the caller asked for that key.
    """
    key_passwords = key_passwords or {}
    data = bytes(data)
    store_type, version, entries, reader = _parse(data)
    if password is not None:
        _check_integrity(data, reader.pos, password)
    out = []
    for entry in entries:
        if isinstance(entry, TrustedCertEntry):
            out.append(entry)
            continue
        own = key_passwords.get(entry.alias.lower())
        candidate = own if own is not None else password
        opened = None
        if candidate is not None:
            try:
                if isinstance(entry, PrivateKeyEntry):
                    opened = entry._replace(key=recover_private_key(entry.protected, candidate))
                else:
                    algorithm, key = recover_secret_key(entry.sealed, candidate)
                    opened = entry._replace(algorithm=algorithm, key=key)
            except JksPasswordError:
                if own is not None:
                    raise JksKeyPasswordError(entry.alias)
            except (JksUnsupportedError, JksFormatError):
                # Java loads such a store and fails only when the key is asked for: so do we
                if own is not None:
                    raise
        out.append(opened or entry)
    return JavaKeyStore(store_type, version, out)


# ---- key protection -----------------------------------------------------------------------


def _java_chars(password):
    """A Java char[] password as bytes, two per UTF-16 code unit (KeyProtector and the store digest)."""
    return password.encode('utf-16-be', 'surrogatepass')


def _keystream_xor(password_bytes, salt, data):
    """sun.security.provider.KeyProtector: XOR with SHA-1(password + previous block), starting from the salt."""
    blocks, block, size = [], salt, len(data)
    for dummy in range((size + 19) // 20):
        block = hashlib.sha1(password_bytes + block).digest()
        blocks.append(block)
    stream = b''.join(blocks)[:size]
    return (int.from_bytes(data, 'big') ^ int.from_bytes(stream, 'big')).to_bytes(size, 'big')


def protect_key(key_der, password):
    """EncryptedPrivateKeyInfo DER of a PKCS#8 key under Sun's JKS KeyProtector (what keytool writes)."""
    password_bytes = _java_chars(password)
    salt = os.urandom(20)
    encrypted = salt + _keystream_xor(password_bytes, salt, key_der) + \
        hashlib.sha1(password_bytes + key_der).digest()
    return der.seq(der.algorithm(OID_KEY_PROTECTOR), der.octet_string(encrypted))


def _unprotect_jks(encrypted, password):
    if len(encrypted) < 40:
        raise JksFormatError('protected key too short')
    password_bytes = _java_chars(password)
    salt, body, check = encrypted[:20], encrypted[20:-20], encrypted[-20:]
    plain = _keystream_xor(password_bytes, salt, body)
    # the check digest over password and plaintext makes a wrong password certain, not probable
    if not hmac.compare_digest(hashlib.sha1(password_bytes + plain).digest(), check):
        raise JksPasswordError('wrong key password')
    return plain


def _pbe_parameters(params_der):
    """(salt, iterations) of a PBEParameter: SEQUENCE { OCTET STRING salt, INTEGER iterationCount }."""
    try:
        fields = der.children(der.read(params_der, der.SEQUENCE)[1])
        if [tag for tag, dummy in fields] != [der.OCTET_STRING, der.INTEGER]:
            raise der.DerError('not a PBEParameter')
    except der.DerError as exc:
        raise JksFormatError('bad %s parameters: %s' % (PBE_MD5_3DES, exc))
    salt, iterations = fields[0][1], der.read_int(fields[1][1])
    if len(salt) != 8:
        raise JksFormatError('%s needs an 8-byte salt, found %d bytes' % (PBE_MD5_3DES, len(salt)))
    if not 1 <= iterations <= MAX_PBE_ITERATIONS:
        raise JksFormatError('%s iteration count %d out of range' % (PBE_MD5_3DES, iterations))
    return salt, iterations


def _pbe_md5_3des_decrypt(params_der, password, data, accept):
    """Sun's PBEWithMD5AndTripleDES (com.sun.crypto.provider.PBES1Core): PKCS#5 PBES1 stretched to 3DES.

    Each half of the 8-byte salt is hashed with the password, MD5 over and over; the two 16-byte
    digests are the 24-byte key and the 8-byte IV. When both halves are equal Java inverts the
    first one: JDK 17 and later really reverse it, older JDKs had a typo that turns [a, b, c, d]
    into [d, a, b, d]; both are tried. accept(plain) tells a right password from a lucky padding.
    """
    salt, iterations = _pbe_parameters(params_der)
    if TripleDES is None or support.IMPORT_ERROR is not None:
        raise JksUnsupportedError('%s needs 3DES, which this cryptography does not offer' % PBE_MD5_3DES)
    if not data or len(data) % 8:
        raise JksFormatError('%s data is not a whole number of blocks' % PBE_MD5_3DES)
    try:
        # PBEKey takes printable ASCII only, so Java cannot have sealed anything under another password
        password_bytes = password.encode('ascii')
    except UnicodeEncodeError:
        raise JksPasswordError('wrong key password')
    if any(not 0x20 <= char <= 0x7E for char in bytearray(password_bytes)):
        raise JksPasswordError('wrong key password')
    first, second = salt[:4], salt[4:]
    firsts = [first]
    if first == second:
        firsts = [first[::-1], bytes(bytearray((first[3], first[0], first[1], first[3])))]
    for half in firsts:
        derived = b''
        for value in (half, second):
            for dummy in range(iterations):
                value = hashlib.md5(value + password_bytes).digest()
            derived += value
        decryptor = Cipher(TripleDES(derived[:24]), modes.CBC(derived[24:])).decryptor()
        padded = decryptor.update(data) + decryptor.finalize()
        unpadder = sym_padding.PKCS7(64).unpadder()
        try:
            plain = unpadder.update(padded) + unpadder.finalize()
        except ValueError:
            continue
        if accept(plain):
            return plain
    raise JksPasswordError('wrong key password')


def _is_pkcs8(plain):
    try:
        fields = der.children(der.read(plain, der.SEQUENCE)[1])
    except der.DerError:
        return False
    return [tag for tag, dummy in fields[:3]] == [der.INTEGER, der.SEQUENCE, der.OCTET_STRING]


def recover_private_key(protected, password):
    """The PKCS#8 key inside an EncryptedPrivateKeyInfo of either protection algorithm.

    Raises JksPasswordError for a wrong password, JksUnsupportedError for another algorithm.
    """
    try:
        algorithm, encrypted = der.children(der.read(protected, der.SEQUENCE)[1])
        alg_fields = der.children(algorithm[1]) if algorithm[0] == der.SEQUENCE else []
        if not alg_fields or alg_fields[0][0] != der.OID or encrypted[0] != der.OCTET_STRING:
            raise der.DerError('not an EncryptedPrivateKeyInfo')
        oid = der.read_oid(alg_fields[0][1])
    except (der.DerError, ValueError) as exc:  # ValueError: not two elements
        raise JksFormatError('protected key: %s' % exc)
    if oid == OID_KEY_PROTECTOR:
        return _unprotect_jks(encrypted[1], password)
    if oid == OID_PBE_MD5_3DES:
        if len(alg_fields) != 2:
            raise JksFormatError('protected key: %s without parameters' % PBE_MD5_3DES)
        # a wrong password passes the padding check about once in 250 tries; its output is no PKCS#8
        return _pbe_md5_3des_decrypt(der.tlv(*alg_fields[1]), password, encrypted[1], _is_pkcs8)
    raise JksUnsupportedError('key protection algorithm %s is not supported' % oid)


def recover_secret_key(sealed, password):
    """(algorithm, key bytes) of a JCEKS secret key entry (a serialized SealedObjectForKeyProtector)."""
    fields = _read_sealed_object(_Reader(sealed))
    if fields.get('sealAlg') != PBE_MD5_3DES or fields.get('paramsAlg') != PBE_MD5_3DES:
        raise JksUnsupportedError('secret key sealed with %s is not supported' % str(fields.get('sealAlg'))[:60])
    params, content = fields.get('encodedParams'), fields.get('encryptedContent')
    if not isinstance(params, bytes) or not isinstance(content, bytes):
        raise JksFormatError('sealed secret key without parameters or content')
    # a wrong password passes the padding check about once in 250 tries; its output is no object stream
    plain = _pbe_md5_3des_decrypt(params, password, content, lambda plain: plain[:4] == _STREAM_HEADER)
    return secret_key_from_stream(plain)


def secret_key_from_stream(plain):
    """(algorithm, key bytes) of a serialized SecretKeySpec or KeyRep (the content of the sealed object)."""
    obj = _read_stream(_Reader(plain))
    if not isinstance(obj, _JavaObject):
        raise JksUnsupportedError('sealed secret key holds no object')
    if obj.is_a('javax.crypto.spec.SecretKeySpec'):
        algorithm, key = obj.fields.get('algorithm'), obj.fields.get('key')
    elif obj.is_a('java.security.KeyRep'):
        # DES, DESede and PBE keys replace themselves by a KeyRep when serialized
        kind, key_format = obj.fields.get('type'), obj.fields.get('format')
        if not (isinstance(kind, _JavaEnum) and kind.name == 'SECRET' and key_format == 'RAW'):
            raise JksUnsupportedError('sealed key representation %s/%s is not supported'
                                      % (getattr(kind, 'name', None), str(key_format)[:20]))
        algorithm, key = obj.fields.get('algorithm'), obj.fields.get('encoded')
    else:
        raise JksUnsupportedError('sealed secret key of class %s is not supported' % obj.class_name[:80])
    if not isinstance(algorithm, str) or not isinstance(key, bytes):
        raise JksFormatError('sealed secret key without algorithm or key bytes')
    return algorithm, key


# ---- Java object serialization: exactly what SealedObject and SecretKeySpec/KeyRep need ----------

_STREAM_HEADER = b'\xac\xed\x00\x05'
TC_NULL, TC_REFERENCE, TC_CLASSDESC, TC_OBJECT, TC_STRING, TC_ARRAY = 0x70, 0x71, 0x72, 0x73, 0x74, 0x75
TC_BLOCKDATA, TC_ENDBLOCKDATA, TC_BLOCKDATALONG, TC_ENUM = 0x77, 0x78, 0x7A, 0x7E
SC_WRITE_METHOD, SC_SERIALIZABLE, SC_EXTERNALIZABLE, SC_ENUM = 0x01, 0x02, 0x04, 0x10
_BASE_HANDLE = 0x7E0000
_PRIMITIVE_SIZES = {'B': 1, 'C': 2, 'D': 8, 'F': 4, 'I': 4, 'J': 8, 'S': 2, 'Z': 1}


class _JavaClass(object):
    __slots__ = ('name', 'flags', 'fields', 'superclass')

    def __init__(self, name, flags, fields, superclass):
        self.name, self.flags, self.fields, self.superclass = name, flags, fields, superclass


class _JavaObject(object):
    __slots__ = ('java_class', 'fields')

    def __init__(self, java_class):
        self.java_class = java_class
        self.fields = {}

    @property
    def class_name(self):
        return self.java_class.name

    def is_a(self, name):
        java_class = self.java_class
        while java_class is not None:
            if java_class.name == name:
                return True
            java_class = java_class.superclass
        return False


class _JavaEnum(object):
    __slots__ = ('java_class', 'name')

    def __init__(self, java_class, name):
        self.java_class, self.name = java_class, name


class _ObjectReader(object):
    """java.io.ObjectInputStream for the few type codes a JCEKS secret key entry uses."""

    def __init__(self, reader):
        self.reader = reader
        self.handles = []

    def _new_handle(self, value):
        self.handles.append(value)
        return len(self.handles) - 1

    def _utf(self, what):
        return self.reader.utf(what)

    def content(self, depth):
        if depth > _MAX_JAVA_DEPTH:
            raise JksFormatError('serialized object nested too deeply')
        code = self.reader.u8('serialized object')
        if code == TC_NULL:
            return None
        if code == TC_REFERENCE:
            index = self.reader.u32('object reference') - _BASE_HANDLE
            if not 0 <= index < len(self.handles):
                raise JksFormatError('serialized object refers to an unknown handle')
            return self.handles[index]
        if code == TC_STRING:
            handle = self._new_handle(None)
            self.handles[handle] = self._utf('serialized string')
            return self.handles[handle]
        if code == TC_CLASSDESC:
            return self._class_desc_body(depth)
        if code == TC_OBJECT:
            java_class = self._class_desc(depth)
            obj = _JavaObject(java_class)
            self._new_handle(obj)
            self._class_data(obj, java_class, depth)
            return obj
        if code == TC_ARRAY:
            java_class = self._class_desc(depth)
            if java_class.name != '[B':
                raise JksFormatError('serialized array of %s is not supported' % java_class.name[:40])
            handle = self._new_handle(None)
            size = self.reader.count('serialized array length', 1)
            self.handles[handle] = bytes(self.reader.take(size, 'serialized byte array'))
            return self.handles[handle]
        if code == TC_ENUM:
            java_class = self._class_desc(depth)
            handle = self._new_handle(None)
            name = self.content(depth + 1)
            if not isinstance(name, str) or not java_class.flags & SC_ENUM:
                raise JksFormatError('malformed serialized enum')
            self.handles[handle] = _JavaEnum(java_class, name)
            return self.handles[handle]
        raise JksFormatError('serialized type code 0x%02x is not supported' % code)

    def _class_desc(self, depth):
        value = self.content(depth + 1)
        if value is not None and not isinstance(value, _JavaClass):
            raise JksFormatError('serialized class description expected')
        if value is None:
            raise JksFormatError('serialized object without a class')
        return value

    def _class_desc_body(self, depth):
        name = self._utf('serialized class name')
        self.reader.take(8, 'serialVersionUID')
        handle = self._new_handle(None)
        flags = self.reader.u8('class flags')
        fields = []
        for dummy in range(self.reader.u16('field count')):
            type_code = chr(self.reader.u8('field type'))
            field_name = self._utf('field name')
            if type_code in ('[', 'L'):
                if not isinstance(self.content(depth + 1), str):
                    raise JksFormatError('serialized field type is not a string')
            elif type_code not in _PRIMITIVE_SIZES:
                raise JksFormatError('serialized field type %r is not known' % type_code)
            fields.append((type_code, field_name))
        self._annotation(depth)
        superclass = self.content(depth + 1)
        if superclass is not None and not isinstance(superclass, _JavaClass):
            raise JksFormatError('serialized superclass is not a class description')
        if flags & SC_EXTERNALIZABLE or not flags & SC_SERIALIZABLE:
            raise JksFormatError('serialized class %s is not plainly serializable' % name[:80])
        self.handles[handle] = _JavaClass(name, flags, fields, superclass)
        return self.handles[handle]

    def _annotation(self, depth):
        """Block data and objects up to TC_ENDBLOCKDATA (what a writeObject method added)."""
        while True:
            if self.reader.pos >= self.reader.end:
                raise JksFormatError('truncated serialized annotation')
            code = self.reader.data[self.reader.pos]
            if code == TC_ENDBLOCKDATA:
                self.reader.pos += 1
                return
            if code == TC_BLOCKDATA:
                self.reader.pos += 1
                self.reader.take(self.reader.u8('block data length'), 'block data')
            elif code == TC_BLOCKDATALONG:
                self.reader.pos += 1
                self.reader.take(self.reader.u32('block data length'), 'block data')
            else:
                self.content(depth + 1)

    def _class_data(self, obj, java_class, depth):
        chain = []
        while java_class is not None:
            chain.append(java_class)
            java_class = java_class.superclass
        for java_class in reversed(chain):  # superclass fields first
            for type_code, name in java_class.fields:
                if type_code in _PRIMITIVE_SIZES:
                    obj.fields[name] = bytes(self.reader.take(_PRIMITIVE_SIZES[type_code], 'serialized field'))
                else:
                    obj.fields[name] = self.content(depth + 1)
            if java_class.flags & SC_WRITE_METHOD:
                self._annotation(depth)


def _read_stream(reader):
    if bytes(reader.take(4, 'serialization header')) != _STREAM_HEADER:
        raise JksFormatError('not a Java serialization stream')
    return _ObjectReader(reader).content(0)


def _read_sealed_object(reader):
    """Fields of the javax.crypto.SealedObject at the reader's position (JceKeyStore reads one per entry)."""
    obj = _read_stream(reader)
    if not isinstance(obj, _JavaObject) or not obj.is_a('javax.crypto.SealedObject'):
        raise JksFormatError('secret key entry is not a sealed object')
    return obj.fields


# ---- writing ------------------------------------------------------------------------------


def dumps(entries, password):
    """A JKS (version 2) store of PrivateKeyEntry (with protected set) and TrustedCertEntry values.

    Aliases are written in lower case: Java folds them on load, so keytool cannot reach others.
    """
    parts = [JKS_MAGIC, struct.pack('>II', 2, len(entries))]
    x509_type = java_utf('X.509')
    for entry in entries:
        stamp = struct.pack('>Q', entry.timestamp)
        if isinstance(entry, PrivateKeyEntry):
            parts.append(struct.pack('>I', TAG_PRIVATE_KEY) + java_utf(entry.alias.lower()) + stamp)
            parts.append(struct.pack('>I', len(entry.protected)) + entry.protected
                         + struct.pack('>I', len(entry.chain)))
            for cert in entry.chain:
                parts.append(x509_type + struct.pack('>I', len(cert)) + cert)
        elif isinstance(entry, TrustedCertEntry):
            parts.append(struct.pack('>I', TAG_TRUSTED_CERT) + java_utf(entry.alias.lower()) + stamp + x509_type)
            parts.append(struct.pack('>I', len(entry.cert)) + entry.cert)
        else:
            raise JksUnsupportedError('JKS cannot hold a %s' % type(entry).__name__)
    body = b''.join(parts)
    return body + hashlib.sha1(_java_chars(password) + DIGEST_WHITENING + body).digest()
