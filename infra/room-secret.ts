/**
 * The room secret (shared/services/room-secret.ts): it keys the address hashes, per window, and
 * signs the proof-of-work challenges. It lives in Secrets Manager, never in the table, and is
 * rotated every `roomSecretRotation` by a function that simply draws a new random value
 * (functions/rotate-room-secret.ts). Only the functions that count clients or issue challenges
 * may read it (`bind`).
 */
import { Duration } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { YijianFunction } from './yijian-function';

export const roomSecretRotation = Duration.days(30);
export const roomSecretArnEnvName = 'YIJIAN_ROOM_SECRET_ARN';
export const roomSecretRotationHandler = 'rotate-room-secret';

export class RoomSecret extends Construct {
  readonly secret: Secret;
  readonly rotation: YijianFunction;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.secret = new Secret(this, 'Secret', {
      description: 'yijian room secret: keys the per-window address hashes and signs proof-of-work challenges (never stored in the table)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    this.rotation = new YijianFunction(this, 'Rotation', {
      handler: roomSecretRotationHandler,
      description: 'yijian rotate-room-secret: draws a new room secret (Secrets Manager rotation)',
    });
    // CDK grants the rotation function what rotating needs on this secret, and Secrets Manager the right to invoke it.
    this.secret.addRotationSchedule('Rotation', { rotationLambda: this.rotation.function, automaticallyAfter: roomSecretRotation });
  }

  /** Lets `fn` read the secret, and tells it where it is. */
  bind(fn: YijianFunction): void {
    this.secret.grantRead(fn.role);
    fn.addEnvironment(roomSecretArnEnvName, this.secret.secretArn);
  }
}
