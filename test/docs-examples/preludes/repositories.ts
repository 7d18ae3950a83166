export {};
// The application's data: a user repository and a conversation repository.
interface User {
  readonly id: string;
  readonly email: string;
  readonly role: string;
}
declare const users: {
  get(id: string): User | undefined;
  update(id: string, changes: { readonly email?: string }): User;
};
declare const conversations: { list(): readonly { id: string; topic: string }[] };
