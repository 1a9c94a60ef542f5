/** The part of xml-encryption (auth0/node-xml-encryption, v6) that lib/saml and lib/dev-idp use. */
declare module "xml-encryption" {
  export type DecryptOptions = {
    key: string | Buffer;
    /** Defaults to true: refuses RSA 1.5, 3DES and (since v4) AES-CBC. */
    disallowDecryptionWithInsecureAlgorithm?: boolean;
    warnInsecureAlgorithm?: boolean;
  };
  export type EncryptOptions = {
    rsa_pub: string | Buffer;
    pem: string | Buffer;
    encryptionAlgorithm: string;
    keyEncryptionAlgorithm: string;
    keyEncryptionDigest?: "sha1" | "sha256" | "sha512";
    disallowEncryptionWithInsecureAlgorithm?: boolean;
    warnInsecureAlgorithm?: boolean;
  };
  export function decrypt(xml: string, options: DecryptOptions, callback: (err: Error | null, result?: string) => void): void;
  export function encrypt(content: string, options: EncryptOptions, callback: (err: Error | null, result?: string) => void): void;
  const xmlenc: { decrypt: typeof decrypt; encrypt: typeof encrypt };
  export default xmlenc;
}
