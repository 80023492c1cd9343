export { startDynalite, type LocalDynamo } from '../../local/dynamodb/dynalite';
