import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { logger } from '../shared/observability/logger';

/**
 * The room secret's rotation (infra/room-secret.ts): Secrets Manager calls this function for each
 * step of a rotation. The secret is ours alone (no database holds a copy), so a new random value
 * is all a rotation takes: createSecret stores it as AWSPENDING, finishSecret makes it AWSCURRENT
 * (the old value becomes AWSPREVIOUS, with which challenges issued just before are still verified:
 * shared/services/room-secret.ts); setSecret and testSecret have nothing to do. Every step may be
 * called again after a failure, so each checks first whether it is done. The value is never logged.
 */
interface RotationEvent {
  readonly SecretId: string;
  readonly ClientRequestToken: string;
  readonly Step: 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';
}

const client = new SecretsManagerClient({});

export const handler = async ({ SecretId, ClientRequestToken: token, Step }: RotationEvent): Promise<void> => {
  const { RotationEnabled, VersionIdsToStages = {} } = await client.send(new DescribeSecretCommand({ SecretId }));
  if (!RotationEnabled) throw new Error('rotation is not enabled for this secret');
  const stages = VersionIdsToStages[token];
  if (!stages) throw new Error('the rotation token is not a version of this secret');
  if (stages.includes('AWSCURRENT')) return;
  if (!stages.includes('AWSPENDING')) throw new Error('the rotation token is not pending');
  if (Step === 'createSecret') {
    // The pending version has its value once PutSecretValue went through: then this step is done.
    if (await hasValue(SecretId, token)) return;
    const { RandomPassword } = await client.send(new GetRandomPasswordCommand({ PasswordLength: 64, ExcludePunctuation: true }));
    await client.send(new PutSecretValueCommand({ SecretId, ClientRequestToken: token, SecretString: RandomPassword, VersionStages: ['AWSPENDING'] }));
    logger.info('room secret: new version created');
  } else if (Step === 'finishSecret') {
    const current = Object.entries(VersionIdsToStages).find(([, s]) => s.includes('AWSCURRENT'))?.[0];
    await client.send(new UpdateSecretVersionStageCommand({ SecretId, VersionStage: 'AWSCURRENT', MoveToVersionId: token, RemoveFromVersionId: current }));
    logger.info('room secret: rotated');
  }
};

/** Whether the version of `token` has its value (the only way to tell: GetSecretValue, whose answer is dropped). */
const hasValue = async (SecretId: string, token: string): Promise<boolean> => {
  try {
    await client.send(new GetSecretValueCommand({ SecretId, VersionId: token, VersionStage: 'AWSPENDING' }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return false;
    throw error;
  }
};
