import "server-only";
import { getDb } from "~/server/db/client";
import { decryptSecret, encryptSecret } from "~/server/lib/crypto";

/**
 * Re-encrypts every stored connection secret under `newKey`, in one transaction. `oldKeys` must include
 * every key that sealed existing data. Returns how many connections were re-encrypted.
 */
export async function rotateEncryptionKey({ newKey, oldKeys }: { newKey: string; oldKeys: string[] }) {
  const db = await getDb();
  return db.$transaction(
    async (tx) => {
      const rows = await tx.connection.findMany({ where: { secrets: { not: null } }, select: { id: true, secrets: true } });
      for (const row of rows) {
        const plaintext = decryptSecret(row.secrets!, [newKey, ...oldKeys]);
        await tx.connection.update({ where: { id: row.id }, data: { secrets: encryptSecret(plaintext, newKey) } });
      }
      return rows.length;
    },
    { timeout: 120_000 },
  );
}
