-- AlterEnum
ALTER TYPE "RecordErrorKind" ADD VALUE 'DROPPED_FIELD';

-- AlterTable
ALTER TABLE "SyncRun" ADD COLUMN     "fieldsDropped" INTEGER NOT NULL DEFAULT 0;
