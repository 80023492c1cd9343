export { startSesLocal, type SesLocal, type StoredEmail } from '../../local/ses/ses-local';
