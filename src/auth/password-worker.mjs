// Runs in a worker thread: bcryptjs blocks whatever thread calls it for the whole hash.
import bcrypt from 'bcryptjs';

export default function run(task) {
  return task.op === 'hash' ? bcrypt.hash(task.password, task.cost) : bcrypt.compare(task.password, task.hash);
}
