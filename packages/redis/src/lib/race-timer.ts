/**
 * `promise`, or a rejection with `onTimeout()`'s error when it has not settled after `ms`
 * milliseconds. The timer is cleared as soon as the promise settles and never keeps the process
 * alive. `onTimeout` may also act (drop a hung connection) before returning the error.
 */
export function raceTimer<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    timer.unref?.();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
