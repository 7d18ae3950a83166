export {};
// The application's shared ioredis client, its user record type, one user and an id.
interface StoredUser {
  readonly id: string;
  readonly email: string;
  readonly role: string;
}
declare const redis: import('ioredis').Redis;
declare const user: StoredUser;
declare const id: string;
