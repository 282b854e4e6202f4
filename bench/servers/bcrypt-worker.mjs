// bcryptjs compare in a piscina worker, so the raw server checks passwords off its event loop
// (as Trackr does).
import bcrypt from 'bcryptjs';

export default ({ password, hash }) => bcrypt.compareSync(password, hash);
