import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'convene:public';

/** The route needs no token. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);
