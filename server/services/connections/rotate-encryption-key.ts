import "server-only";
import { getDb } from "~/server/db/client";
import { decryptSecret, encryptSecret } from "~/server/lib/crypto";

/**
 * Re-encrypts every stored secret (connections, and alert channels' webhook URLs and signing secrets) under
 * `newKey`, in one transaction. `oldKeys` must include every key that sealed existing data. Returns how
 * many rows were re-encrypted.
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
      const channels = await tx.alertChannel.findMany({ where: { secrets: { not: null } }, select: { id: true, secrets: true } });
      for (const row of channels) {
        const plaintext = decryptSecret(row.secrets!, [newKey, ...oldKeys]);
        await tx.alertChannel.update({ where: { id: row.id }, data: { secrets: encryptSecret(plaintext, newKey) } });
      }
      return rows.length + channels.length;
    },
    { timeout: 120_000 },
  );
}
